import BigNum
import Paillier

// Paillier values in statements: a key as its modulus N, a ciphertext as its integer value. The
// decoded key is only checked to be odd and positive here; its size against the parameter set is
// a verification check (`ProofArithmetic.requireModulusBits`).
extension WireWriter {
    mutating func write(_ name: String, _ key: PaillierPublicKey) {
        write(name, key.modulus)
    }

    mutating func write(_ name: String, _ ciphertext: PaillierCiphertext) {
        write(name, ciphertext.value)
    }
}

extension WireReader {
    mutating func readPaillierKey(_ name: String) throws(ProofError) -> PaillierPublicKey {
        let modulus = try readBigInt(name)
        do {
            return try PaillierPublicKey(modulus: modulus, expectedBits: modulus.bitLength)
        } catch {
            throw .malformedEncoding("\(name): \(error)")
        }
    }

    mutating func readCiphertext(_ name: String) throws(ProofError) -> PaillierCiphertext {
        PaillierCiphertext(value: try readBigInt(name))
    }
}
