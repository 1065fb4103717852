import Testing
@testable import TSS
