import Testing
@testable import CGGMP

@Test func CGGMPModuleLinks() { #expect(Bool(true)) }
