import Testing
@testable import Hashing

@Test func HashingModuleLinks() { #expect(Bool(true)) }
