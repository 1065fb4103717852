import Testing
@testable import Paillier

@Test func PaillierModuleLinks() { #expect(Bool(true)) }
