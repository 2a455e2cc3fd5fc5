import PapaoursCore
import Testing
@testable import PapaoursCtlKit

/// Values out of bounds are usage errors found before anything is sent.
@Suite struct ValueCheckTests {
    let now = Timestamp(seconds: 1_800_000_000)

    func problem(_ arguments: [String]) -> String? {
        guard let command = parsed(arguments) else { return "does not parse" }
        do {
            try ValueCheck.check(command, now: now)
            return nil
        } catch {
            #expect(error.command == command.spec.path, "the hint points to the command's help")
            return error.rendered(Localizer(.en))
        }
    }

    @Test func rightValuesPass() {
        for arguments in [["machine", "create", "web", "--role", "api", "--role", "a.b:c-d_e", "--description", "two\nlines"],
                          ["key", "create", "web", "--label", String(repeating: "é", count: 100), "--expires", "90j"],
                          ["audit", "--limit", "1000", "--after", "0"], ["key", "disable", "web", "Clé production"]] {
            #expect(problem(arguments) == nil, "\(arguments)")
        }
    }

    @Test(arguments: [
        (["machine", "create", String(repeating: "x", count: 129)], "NAME must be 1 to 128 characters long, not 129"),
        (["machine", "create", ""], "NAME must be 1 to 128 characters long, not 0"),
        (["machine", "edit", "web", "--name", "a\u{7}b"], "--name must not hold control characters"),
        (["machine", "edit", "web", "--organization", String(repeating: "o", count: 129)], "--organization must be at most 128 characters long, not 129"),
        (["machine", "create", "web", "--description", String(repeating: "d", count: 1001)], "--description must be at most 1000 characters long, not 1001"),
        (["machine", "create", "web", "--role", "bad role"], "role 'bad role' must be 1 to 64 letters, digits or . _ : -"),
        (["machine", "create", "web", "--role", "a,b"], "role 'a,b' must be 1 to 64 letters, digits or . _ : -"),
        (["key", "create", "web", "--label", ""], "--label must be 1 to 100 characters long, not 0"),
        (["key", "edit", "k_1", "--label", String(repeating: "l", count: 101)], "--label must be 1 to 100 characters long, not 101"),
        (["key", "show", "web", String(repeating: "l", count: 101)], "LABEL must be 1 to 100 characters long, not 101"),
        (["key", "create", "web", "--label", "x", "--expires", "0d"], "'0d' leaves no time: a duration counts at least 1"),
        (["verify", "--ip", String(repeating: "1", count: 257)], "--ip must be at most 256 characters long, not 257"),
        (["audit", "--limit", "5000"], "option '--limit' takes a whole number from 1 to 1000, not '5000'"),
        (["audit", "--limit", "0"], "option '--limit' takes a whole number from 1 to 1000, not '0'"),
        (["audit", "--limit", "abc"], "option '--limit' needs a whole number, not 'abc'"),
        (["audit", "--after=-1"], "option '--after' needs a whole number, not '-1'"),
    ] as [([String], String)])
    func wrongValuesAreNamed(arguments: [String], expected: String) {
        #expect(problem(arguments) == expected)
    }

    @Test func tooManyRoles() {
        let roles = (0...64).flatMap { ["--role", "r\($0)"] }
        #expect(problem(["machine", "create", "web"] + roles) == "64 roles at most, not 65")
    }
}
