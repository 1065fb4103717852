// The decode-and-round-trip checks behind every fuzz target (docs/fuzzing.md). The libFuzzer
// executable `FuzzDecoders` and the corpus replay tests (`FuzzCorpusTests`) both call
// `FuzzTarget.run(_:)`, so a committed corpus file replays exactly what the fuzzer ran.
//
// Each check decodes the input; when the decoder accepts it, it re-encodes the value and traps
// (`fatalError`, which libFuzzer reports as a crash) unless the re-encoding decodes to an equal
// value, re-encodes to the same bytes again, and, for canonical encodings, equals the input.
import BigNum
import Bytes
@_spi(Benchmarks) @testable import CGGMP
@_spi(NoiseTesting) @testable import Noise
import Paillier
import Secp256k1
@testable import TSS
@testable import TSSStore

/// One fuzz target per decoder family; the raw value is the name `make fuzz` prints and the
/// folder under `Fuzz/Corpus/`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case signedMessage
    case echoPayload
    case protocolFault
    case faultCheckContext
    case flowFault
    case proofs
    case roundPayloads
    case auxInfo
    case thresholdKeyShare
    case thresholdPublicKey
    case presignature
    case sessionJournal
    case dealerPayload
    case envelope
    case envelopePlaintext
    case subscribeMessage
    case noiseHandshake
    case noiseTransport
    case storeHeader
    case storeRecord
    case paillier

    /// Decodes `bytes` and checks the round trips. Returns whether the decoder accepted the input
    /// (for statistics only); traps on a broken property.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .signedMessage:
            return canonical(bytes, "SignedMessage", decode: { try SignedMessage(encoded: $0) }, encode: \.encoded, equal: ==)
        case .echoPayload: return Self.echoPayload(bytes)
        case .protocolFault:
            return canonical(bytes, "ProtocolFault", decode: { try ProtocolFault(encoded: $0) }, encode: \.encoded)
        case .faultCheckContext:
            return canonical(bytes, "FaultCheckContext", decode: { try FaultCheckContext(encoded: $0) }, encode: \.encoded)
        case .flowFault:
            return canonical(bytes, "FlowFault", decode: { try FlowFault(encoded: $0) }, encode: { $0.encoded })
        case .proofs: return Self.proofs(bytes)
        case .roundPayloads: return Self.roundPayloads(bytes)
        case .auxInfo:
            return canonical(bytes, "AuxInfo", decode: { try AuxInfo(encoded: $0, parameters: .testing) },
                             encode: \.encoded)
        case .thresholdKeyShare:
            return canonical(bytes, "ThresholdKeyShare", decode: { try ThresholdKeyShare(encoded: $0) }, encode: \.encoded)
        case .thresholdPublicKey:
            return canonical(bytes, "ThresholdPublicKey", decode: { try ThresholdPublicKey(encoded: $0) },
                             encode: \.encoded, equal: ==)
        case .presignature: return Self.presignature(bytes)
        case .sessionJournal:
            return canonical(bytes, "SessionJournal", decode: { try SessionJournal(encoded: $0) }, encode: \.encoded, equal: ==)
        case .dealerPayload:
            return canonical(bytes, "DealerRegistrationPayload", decode: { try DealerRegistrationPayload(encoded: $0) },
                             encode: { $0.encoded })
        case .envelope:
            // JSON: whitespace and member order are free, so only decode(encode(x)) == x.
            return roundTrip(bytes, "Envelope", decode: { try Envelope(encoded: $0) }, encode: { $0.encoded }, equal: ==)
        case .envelopePlaintext:
            return roundTrip(bytes, "EnvelopePlaintext", decode: { try EnvelopePlaintext(encoded: $0) },
                             encode: { $0.encoded }, equal: ==)
        case .subscribeMessage:
            return canonical(bytes, "SubscribeMessage", decode: { try SubscribeMessage(encoded: $0) },
                             encode: { $0.encoded }, equal: ==)
        case .noiseHandshake: return NoiseFuzz.handshake(bytes)
        case .noiseTransport: return NoiseFuzz.transport(bytes)
        case .storeHeader: return StoreFuzz.header(bytes)
        case .storeRecord: return StoreFuzz.record(bytes)
        case .paillier: return Self.paillier(bytes)
        }
    }
}

/// Traps with a message libFuzzer shows in its crash report.
@inline(never)
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz property failed: \(message())") }
}

/// decode → encode → decode → encode: the second decoding must succeed, give an equal value (when
/// the type can say so) and the same bytes.
@discardableResult
func roundTrip<T>(_ bytes: [UInt8], _ name: String, decode: ([UInt8]) throws -> T, encode: (T) -> [UInt8],
                  equal: ((T, T) -> Bool)? = nil) -> Bool {
    guard let value = try? decode(bytes) else { return false }
    let encoded = encode(value)
    let again: T
    do { again = try decode(encoded) } catch { fatalError("fuzz property failed: \(name) rejects its own encoding: \(error)") }
    if let equal { check(equal(value, again), "\(name): decode(encode(x)) != x") }
    check(encode(again) == encoded, "\(name): encoding is not stable under decode/encode")
    return true
}

/// `roundTrip` plus canonicity: an accepted input is exactly the encoding of what it decodes to.
@discardableResult
func canonical<T>(_ bytes: [UInt8], _ name: String, decode: ([UInt8]) throws -> T, encode: (T) -> [UInt8],
                  equal: ((T, T) -> Bool)? = nil) -> Bool {
    guard roundTrip(bytes, name, decode: decode, encode: encode, equal: equal) else { return false }
    check(encode(try! decode(bytes)) == bytes, "\(name): accepted a non-canonical encoding")
    return true
}

func wire<T: WireCodable>(_ type: T.Type, _ bytes: [UInt8]) -> Bool {
    canonical(bytes, "\(T.self)", decode: { try T(encoded: $0) }, encode: { $0.encoded },
              equal: { a, b in (a as? any Equatable).map { $0.isEqual(to: b) } ?? true })
}

extension Equatable {
    func isEqual(to other: Any) -> Bool { (other as? Self) == self }
}

extension FuzzTarget {
    /// Every proof and statement (the first byte picks the type, the rest is `encoded` form).
    static let proofTypes: [any WireCodable.Type] = [
        SchnorrProof.self, SchnorrProof.Statement.self,
        EncElgProof.self, EncElgProof.Statement.self,
        AffGProof.self, AffGProof.Statement.self,
        AffGStarProof.self,
        ElogProof.self, ElogProof.Statement.self,
        MulProof.self, MulProof.Statement.self,
        MulStarProof.self, MulStarProof.Statement.self,
        DecProof.self, DecProof.Statement.self,
        ModulusProof.self, ModulusProof.Statement.self, ModulusProof.Repetition.self,
        RingPedersenProof.self, RingPedersenProof.Statement.self,
        NoSmallFactorProof.self, NoSmallFactorProof.Statement.self,
        FeldmanCommitment.self, DealtShare.self,
    ]

    /// Every round payload a peer sends inside a `SignedMessage` (first byte picks the type).
    static let roundPayloadTypes: [any WireCodable.Type] = [
        KeyInitDecommitment.self,
        AuxRevealEcho.self, AuxRevealBroadcast.self, ModulusProofDigest.self,
        AuxRefreshEcho.self, AuxRefreshBroadcast.self, AuxRefreshProofs.self, AuxRefreshDirect.self,
        PresignRound1Echo.self, PresignRound1Direct.self, PresignRound2Echo.self, PresignRound2Broadcast.self,
        PresignRound3Echo.self, PresignRound3Broadcast.self, SignatureShareMessage.self, PresignFailureMessage.self,
        PresignedSignatureShareMessage.self,
    ]

    static func selected(_ bytes: [UInt8], from types: [any WireCodable.Type]) -> Bool {
        guard let selector = bytes.first else { return false }
        let type = types[Int(selector) % types.count]
        return wire(type, Array(bytes.dropFirst()))
    }

    static func proofs(_ bytes: [UInt8]) -> Bool { selected(bytes, from: proofTypes) }
    static func roundPayloads(_ bytes: [UInt8]) -> Bool { selected(bytes, from: roundPayloadTypes) }

    /// An echo's payload (`count ‖ (len32 ‖ SignedMessage)*`), carried by an otherwise fixed echo.
    static func echoPayload(_ bytes: [UInt8]) -> Bool {
        var message = ByteWriter(header: SignedMessage.encodingHeader)
        message.append(fixed: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, MessageKind.echo.rawValue])
        message.append(fixed: [UInt8](repeating: 7, count: PartyID.byteCount) + [0])
        message.appendLengthPrefixed(bytes)
        message.appendLengthPrefixed([])
        guard bytes.count <= SignedMessage.maximumFieldLength else { return false }
        let echo = try! SignedMessage(encoded: message.bytes)
        guard let entries = try? EchoRound.entries(of: echo) else { return false }
        check(EchoRound.payload(entries) == bytes, "echo payload: accepted a non-canonical encoding")
        return true
    }

    /// Presignatures are consumed by encoding (non-copyable), so the round trip compares bytes.
    static func presignature(_ bytes: [UInt8]) -> Bool {
        guard let value = try? Presignature(encoded: bytes, parameters: .testing) else { return false }
        let encoded = value.encoded
        check(encoded == bytes, "Presignature: accepted a non-canonical encoding")
        do {
            let again = try Presignature(encoded: encoded, parameters: .testing)
            let reencoded = again.encoded
            check(reencoded == encoded, "Presignature: encoding is not stable")
        } catch {
            fatalError("fuzz property failed: Presignature rejects its own encoding: \(error)")
        }
        return true
    }

    /// A fixed 1024-bit Paillier modulus (the product of two 512-bit Blum primes of
    /// Vectors/primes/blum-512.json), for ciphertexts.
    static let paillierKey: PaillierPublicKey = {
        let p = try! BigInt(hex: "ec98804b5fb10ce5fc666bec57ee00f27d70de87fe9a4b0089ac63358a5dd6a3fc39e5b76096997a9ce51a82410301492f6f64a24a8918a83daf8438d68225d3")
        let q = try! BigInt(hex: "cd705326584e7eecddc4dda0bd899fbfb9530cd7b65fd76937828db2c76ac6db9f3ff173d9645416715b15ee5804a4b79554ecdb79168d5dc0b118239459ef6b")
        return try! PaillierPublicKey(modulus: p * q, expectedBits: 1024)
    }()

    /// First byte: 0 public key, 1 ring-Pedersen parameters, 2 ciphertext under `paillierKey`.
    static func paillier(_ bytes: [UInt8]) -> Bool {
        guard let selector = bytes.first else { return false }
        let body = Array(bytes.dropFirst())
        switch selector % 3 {
        case 0:
            return canonical(body, "PaillierPublicKey", decode: { try PaillierPublicKey(encoded: $0, expectedBits: 1024) },
                             encode: { $0.encoded }, equal: ==)
        case 1:
            return canonical(body, "RingPedersenParameters",
                             decode: { try RingPedersenParameters(encoded: $0, expectedBits: 1024) },
                             encode: { $0.encoded }, equal: ==)
        default:
            let key = paillierKey
            return canonical(body, "PaillierCiphertext", decode: { try PaillierCiphertext(encoded: $0, for: key) },
                             encode: { $0.encoded(for: key) }, equal: ==)
        }
    }
}
