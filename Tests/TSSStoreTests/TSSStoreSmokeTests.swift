import Testing
@testable import TSSStore

@Test func TSSStoreModuleLinks() { #expect(Bool(true)) }
