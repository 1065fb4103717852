import Testing
@testable import Noise

@Test func NoiseModuleLinks() { #expect(Bool(true)) }
