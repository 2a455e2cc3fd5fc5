@testable import PapaoursServer
import Testing

@Suite struct RequiredRightTests {
    @Test func aListOfRights() throws {
        let rights = try RequiredRight.list("contrats:read,factures.2026_q1-x:archive")
        #expect(rights.map(\.description) == ["contrats:read", "factures.2026_q1-x:archive"])
        #expect(try RequiredRight.list("").isEmpty, "an empty list requires nothing")
    }

    @Test(arguments: ["contrats", "contrats:lire", "Contrats:read", "1a:read", ":read", "a:read,", "a:read,,b:write",
                      "a:b:read", String(repeating: "a", count: 65) + ":read", "é:read"])
    func notARight(text: String) {
        #expect(throws: GateRightsError.self) { try RequiredRight.list(text) }
    }

    @Test func theLongestPermissionName() throws {
        #expect(try RequiredRight.list(String(repeating: "a", count: 64) + ":write").count == 1)
    }
}

@Suite struct VerifyResultTests {
    @Test func indexIsThePlaceInAllCases() {
        #expect(VerifyResult.allCases.map(\.index) == Array(VerifyResult.allCases.indices))
    }
}
