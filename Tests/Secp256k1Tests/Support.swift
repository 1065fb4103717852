import Foundation
import TestSupport
import BigNum
@testable import Secp256k1

/// Loads `Vectors/secp256k1/<name>` into a Decodable type.
func loadVectors<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
    try TestVectors.decode(type, from: TestVectors.local("secp256k1/" + name))
}

func scalar(_ hex: String) throws -> Scalar { try Scalar(rawRepresentation: hexBytes(hex)) }

func point(_ hex: String) throws -> Point { try Point(sec1RepresentationAllowingIdentity: hexBytes(hex)) }

func prehash(_ hex: String) throws -> Prehash { try Prehash(rawRepresentation: hexBytes(hex)) }

/// A random BigInt in [0, n) from a seeded generator, biased towards edge values now and then.
func randomResidue(using rng: inout ChaChaRandom) -> BigInt {
    let n = Scalar.groupOrder
    switch rng.next() % 8 {
    case 0: return .zero
    case 1: return n - 1
    case 2: return BigInt(Int(rng.next() % 5))
    case 3: return n - BigInt(Int(rng.next() % 5) + 1)
    default: return try! BigInt.random(below: n, using: &rng)
    }
}
