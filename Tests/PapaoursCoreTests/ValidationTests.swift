import Testing
@testable import PapaoursCore

private func field<T>(_ body: () throws(ValidationError) -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.field
    }
}

@Suite("Validation")
struct ValidationTests {
    @Test("machine name: 1 to 128 characters", arguments: [(0, false), (1, true), (64, true), (128, true), (129, false), (1000, false)])
    func nameLength(count: Int, ok: Bool) {
        let name = String(repeating: "n", count: count)
        if ok {
            #expect((try? Validation.machineName(name)) == name)
        } else {
            #expect(field { () throws(ValidationError) in try Validation.machineName(name) } == "name")
        }
    }

    /// Issue 17, item 14: a reference is tried as an id first, so such a name could never be reached.
    @Test("machine name: the form of a machine id is refused", arguments: [
        ("m_abcdefghijklmnop", false), ("m_0123456789abcdef", false), ("M_abcdefghijklmnop", true),
        ("m_abcdefghijklmno", true), ("m_abcdefghijklmnopq", true), ("m_abcdefghijklmnoP", true), ("k_abcdefghijklmnop", true),
    ])
    func idShapedName(name: String, ok: Bool) {
        if ok {
            #expect((try? Validation.machineName(name)) == name)
        } else {
            #expect(field { () throws(ValidationError) in try Validation.machineName(name) } == "name")
        }
    }

    @Test("expiry: a time past 9999 says so")
    func expiryBounds() {
        do {
            _ = try Validation.expiry("9999-12-31T23:59:59-23:59", now: Timestamp.now())
            Issue.record("accepted")
        } catch {
            #expect(error.problem.contains("9999-12-31T23:59:59Z"))
        }
    }

    @Test("machine name counts characters, not bytes: 128 × é is fine, 129 is not")
    func nameCountsScalars() throws {
        let e = "\u{E9}"  // é, two bytes in UTF-8
        #expect(try Validation.machineName(String(repeating: e, count: 128)) == String(repeating: e, count: 128))
        #expect(throws: ValidationError.self) { try Validation.machineName(String(repeating: e, count: 129)) }
        #expect(try Validation.machineName("Clé production") == "Clé production")
        #expect(try Validation.machineName("🦀") == "🦀")
    }

    @Test("machine name refuses control characters", arguments: ["a\nb", "a\tb", "a\u{0}b", "a\u{1}", "\u{7F}x", "x\u{85}", "x\u{9F}", "\r"])
    func nameControl(name: String) {
        #expect(throws: ValidationError(field: "name", problem: "must not contain control characters")) {
            try Validation.machineName(name)
        }
    }

    @Test("error description names the field")
    func errorDescription() {
        do {
            _ = try Validation.machineName("")
            Issue.record("empty name accepted")
        } catch {
            #expect(error.field == "name")
            #expect(error.description.hasPrefix("name "))
            #expect(error.description.contains("1 to 128"))
        }
    }

    @Test("description: up to 1000, LF and TAB allowed, other controls not")
    func description() throws {
        #expect(try Validation.description("") == "")
        #expect(try Validation.description("line one\nline\ttwo") == "line one\nline\ttwo")
        #expect(try Validation.description(String(repeating: "d", count: 1000)).count == 1000)
        #expect(field { () throws(ValidationError) in try Validation.description(String(repeating: "d", count: 1001)) } == "description")
        #expect(field { () throws(ValidationError) in try Validation.description("a\u{1}b") } == "description")
        #expect(field { () throws(ValidationError) in try Validation.description("a\rb") } == "description")
        #expect(field { () throws(ValidationError) in try Validation.description("a\u{7F}b") } == "description")
    }

    @Test("organization: up to 128, no controls")
    func organization() throws {
        #expect(try Validation.organization("") == "")
        #expect(try Validation.organization(String(repeating: "o", count: 128)).count == 128)
        #expect(field { () throws(ValidationError) in try Validation.organization(String(repeating: "o", count: 129)) } == "organization")
        #expect(field { () throws(ValidationError) in try Validation.organization("a\nb") } == "organization")
    }

    @Test("label: 1 to 100", arguments: [(0, false), (1, true), (100, true), (101, false)])
    func label(count: Int, ok: Bool) {
        let label = String(repeating: "l", count: count)
        #expect(field { () throws(ValidationError) in try Validation.label(label) } == (ok ? nil : "label"))
    }

    @Test("label refuses control characters, accepts UTF-8")
    func labelText() throws {
        #expect(field { () throws(ValidationError) in try Validation.label("a\nb") } == "label")
        #expect(try Validation.label("Clé production") == "Clé production")
    }

    @Test("roles parsing", arguments: [
        ("", [String]()),
        ("admin", ["admin"]),
        ("a,b,c", ["a", "b", "c"]),
        ("b,a,b,a,c", ["b", "a", "c"]),
        ("A.z_0:9-x", ["A.z_0:9-x"]),
        (String(repeating: "r", count: 64), [String(repeating: "r", count: 64)]),
    ])
    func roles(list: String, expected: [String]) throws {
        #expect(try Validation.roles(list) == expected)
    }

    @Test("bad role lists", arguments: [
        "a b", "a,,b", ",a", "a,", ",", "a;b", "é", "a/b", "a\"b", "a=b", " a",
        String(repeating: "r", count: 65), "ok," + String(repeating: "r", count: 65),
    ])
    func badRoles(list: String) {
        #expect(field { () throws(ValidationError) in try Validation.roles(list) } == "roles")
    }

    @Test("at most 64 distinct roles; duplicates do not count")
    func roleCount() throws {
        let sixtyFour = (0..<64).map { "r\($0)" }
        #expect(try Validation.roles(sixtyFour.joined(separator: ",")) == sixtyFour)
        #expect(try Validation.roles((sixtyFour + sixtyFour).joined(separator: ",")) == sixtyFour)
        #expect(field { () throws(ValidationError) in try Validation.roles((sixtyFour + ["r64"]).joined(separator: ",")) } == "roles")
    }

    @Test("status")
    func status() throws {
        #expect(try Validation.status("active") == .active)
        #expect(try Validation.status("inactive") == .inactive)
        for bad in ["", "ACTIVE", "enabled", "active "] {
            #expect(field { () throws(ValidationError) in try Validation.status(bad) } == "status", "\(bad)")
        }
    }

    @Test("expiry: empty is none, past and present are refused, future is kept")
    func expiry() throws {
        let now = Timestamp(seconds: 1_795_905_998)
        #expect(try Validation.expiry("", now: now) == nil)
        #expect(try Validation.expiry("2027-01-31T00:00:00Z", now: now) == Timestamp(seconds: 1_801_353_600))
        #expect(try Validation.expiry("2026-11-28T22:46:39Z", now: now) == Timestamp(seconds: 1_795_905_999))
        #expect(field { () throws(ValidationError) in try Validation.expiry("2026-11-28T22:46:38Z", now: now) } == "expires")
        #expect(field { () throws(ValidationError) in try Validation.expiry("2020-01-01T00:00:00Z", now: now) } == "expires")
        #expect(field { () throws(ValidationError) in try Validation.expiry("tomorrow", now: now) } == "expires")
        #expect(field { () throws(ValidationError) in try Validation.expiry("2027-02-30T00:00:00Z", now: now) } == "expires")
    }

    @Test("nameFoldKey ignores case")
    func foldKey() {
        #expect(Validation.nameFoldKey("Web-Server") == Validation.nameFoldKey("web-server"))
        #expect(Validation.nameFoldKey("WEB-SERVER") == Validation.nameFoldKey("web-Server"))
        #expect(Validation.nameFoldKey("CLÉ") == Validation.nameFoldKey("clé"))
        #expect(Validation.nameFoldKey("web-server") != Validation.nameFoldKey("web-server2"))
        #expect(Validation.nameFoldKey("a b") != Validation.nameFoldKey("ab"))
    }

    /// Names that differ only in case under full Unicode case mapping (final sigma, sharp s) are one name.
    @Test("nameFoldKey folds case as Unicode does")
    func fullCaseFolding() {
        #expect(Validation.nameFoldKey("ΟΔΟΣ") == Validation.nameFoldKey("οδος"))
        #expect(Validation.nameFoldKey("STRASSE") == Validation.nameFoldKey("straße"))
    }
}
