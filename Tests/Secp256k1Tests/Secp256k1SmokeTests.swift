import Testing
@testable import Secp256k1

@Test func Secp256k1ModuleLinks() { #expect(Bool(true)) }
