import Testing
@testable import TSS

@Test func TSSModuleLinks() { #expect(Bool(true)) }
