import BigNum
import Bytes
import Paillier

// Paillier values in statements: a key as its modulus N, a ciphertext as its integer value. The
// decoded key is only checked to be odd and positive here; its size against the parameter set is
// a verification check (`ProofArithmetic.requireModulusBits`).
extension ByteWriter {
    mutating func write(_ name: String, _ key: PaillierPublicKey) {
        write(name, key.modulus)
    }

    mutating func write(_ name: String, _ ciphertext: PaillierCiphertext) {
        write(name, ciphertext.value)
    }
}

extension ByteReader {
    mutating func readPaillierKey(_ name: String) throws(DecodingError) -> PaillierPublicKey {
        let modulus = try readBigInt(name)
        do {
            return try PaillierPublicKey(modulus: modulus, expectedBits: modulus.bitLength)
        } catch {
            throw DecodingError(field: name, reason: .invalidValue("\(error)"))
        }
    }

    mutating func readCiphertext(_ name: String) throws(DecodingError) -> PaillierCiphertext {
        PaillierCiphertext(value: try readBigInt(name))
    }
}
