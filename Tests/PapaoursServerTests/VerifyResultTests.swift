@testable import PapaoursServer
import Testing

@Suite struct VerifyResultTests {
    @Test func indexIsThePlaceInAllCases() {
        #expect(VerifyResult.allCases.map(\.index) == Array(VerifyResult.allCases.indices))
    }
}
