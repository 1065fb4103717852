import Testing
import BigNum

@Test func bigIntAddsSmallNumbers() { #expect(BigInt(2) + BigInt(3) == BigInt(5)) }
