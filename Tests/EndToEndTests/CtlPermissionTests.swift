import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// papaoursctl run as `nobody`: the daemon knows it from the socket's peer credentials.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to run papaoursctl as another uid"))
struct CtlPermissionTests {
    static let nobody: UInt32 = 65534

    @Test(arguments: Lang.allCases) func aUserWithoutGrantsIsRefusedInTheirLanguage(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang, uid: Self.nobody)
        let run = try ctl("machine", "create", "evil")
        #expect(run.status == 1 && run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.hasPrefix(lang.pick("papaoursctl: you are not allowed to do this: ",
                                               "papaoursctl: vous n'avez pas le droit de faire cela : ")), "\(run)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(try daemon.client.machineList().isEmpty)
        #expect(try daemon.client.audit().map(\.action) == ["denied"])

        let status = try ctl("status")
        #expect(status.status == 1, "STATS needs machines.read: \(status)")
        let hello = try ctl("--json", "machine", "list")
        #expect(hello.status == 1 && hello.stdout.isEmpty)
    }

    @Test func aGrantedUserMayDoWhatItIsGranted() throws {
        let daemon = try Daemon(config: ["grant user nobody machines.read,keys.verify"])
        let made = try makeMachineWithKey(on: daemon)
        let ctl = Ctl(daemon, uid: Self.nobody)
        #expect(try ctl("machine", "list").row(made.machine.id.value).dropFirst().first == "billing-api")
        #expect(try ctl("verify", stdin: made.secret + "\n").status == 0)
        let status = try ctl("status")
        #expect(status.status == 0 && status.row("User").last == "nobody (uid 65534)", "\(status)")
        #expect(status.row("Permissions").last == "machines.read, keys.verify")
        #expect(try ctl("key", "disable", made.key.id.value).status == 1)
    }

    @Test(arguments: Lang.allCases) func aSocketTheUserCannotOpenIsUnreachable(_ lang: Lang) throws {
        let daemon = try Daemon(config: ["socket-mode 0600"])
        let run = try Ctl(daemon, lang, uid: Self.nobody)("machine", "list")
        #expect(run.status == 3, "\(run)")
        #expect(run.stderr == lang.pick("papaoursctl: cannot reach papaoursd at \(daemon.socketPath): permission denied — are you in the papaours group?\n",
                                        "papaoursctl: impossible de joindre papaoursd à \(daemon.socketPath) : permission refusée — êtes-vous dans le groupe papaours ?\n"))
    }
}
