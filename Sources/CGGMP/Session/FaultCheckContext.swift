import Paillier
import Secp256k1

/// What a third party needs, beside a fault report, to re-check it: the session's public data, the
/// parameter set, and the public inputs of the protocol's checks. Its encoding is the
/// `--public-data` of `tss fault verify`.
///
/// None of it is secret, and none of it comes from the accuser's word alone: every field is
/// something all participants agreed on before the session (committee, keys, aux info) or derive
/// from the public key and message.
///
/// Layout: "TSSFCX", version 1, then wire fields: session id, protocol tag, committee, parameter
/// set name, an input tag and the protocol's inputs.
public struct FaultCheckContext: Sendable {
    /// The public inputs of each protocol's checks.
    public enum Inputs: Sendable {
        case keyInit
        case auxGen
        case keyRefresh
        case keyResharing(KeyResharingConfiguration)
        case presigning(PresigningPublicInputs)
        case signing(commitments: PresignatureCommitments, prehash: Prehash)
        case interactiveSigning(PresigningPublicInputs, prehash: Prehash)
    }

    public let publicData: SessionPublicData
    public let parameters: SchemeParameters
    public let inputs: Inputs

    public init(publicData: SessionPublicData, parameters: SchemeParameters, inputs: Inputs) {
        self.publicData = publicData
        self.parameters = parameters
        self.inputs = inputs
    }

    /// The protocol's rechecker for `Evidence.verdict`.
    public func rechecker() -> any EvidenceRechecker {
        switch inputs {
        case .keyInit: KeyInit.evidenceRechecker(parameters: parameters)
        case .auxGen: AuxGen.evidenceRechecker(parameters: parameters)
        case .keyRefresh: KeyRefresh.evidenceRechecker(parameters: parameters)
        case .keyResharing(let configuration): KeyResharing.evidenceRechecker(configuration: configuration)
        case .presigning(let inputs): Presigning.evidenceRechecker(inputs: inputs, parameters: parameters)
        case .signing(let commitments, let prehash): Signing.evidenceRechecker(commitments: commitments, prehash: prehash)
        case .interactiveSigning(let inputs, let prehash):
            InteractiveSigning.evidenceRechecker(inputs: inputs, prehash: prehash, parameters: parameters)
        }
    }

    /// The verdict of `fault`'s evidence in this context. The fault's protocol tag must be this
    /// context's; evidence for another session is not proven.
    public func verdict(of fault: ProtocolFault, verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> EvidenceVerdict {
        fault.evidence.verdict(publicData: publicData, verifier: verifier, rechecker: rechecker())
    }

    // MARK: Encoding

    static let magic: [UInt8] = Array("TSSFCX".utf8)
    public static let encodingVersion: UInt8 = 1

    public func encoded() -> [UInt8] {
        var writer = WireWriter()
        ReportEncoding.write(publicData, to: &writer)
        writer.write("parameters", bytes: Array(parameters.name.utf8))
        switch inputs {
        case .keyInit: writer.writeCount(0)
        case .auxGen: writer.writeCount(1)
        case .keyRefresh: writer.writeCount(2)
        case .keyResharing(let configuration):
            writer.writeCount(3)
            writer.write("old key", bytes: configuration.oldKey.encoded())
            ReportEncoding.writeParties(configuration.dealers, to: &writer)
            ReportEncoding.writeParties(configuration.newHolders, to: &writer)
            writer.writeCount(configuration.newThreshold)
        case .presigning(let inputs):
            writer.writeCount(4)
            Self.write(inputs, to: &writer)
        case .signing(let commitments, let prehash):
            writer.writeCount(5)
            writer.write("nonce", bytes: commitments.nonce.compressedBytes)
            writer.writeCount(commitments.nonceShares.count)
            for party in commitments.nonceShares.keys.sorted() {
                writer.write("party", bytes: party.bytes)
                writer.write("delta", bytes: commitments.nonceShares[party]!.compressedBytes)
                writer.write("s", bytes: (commitments.keyNonceShares[party] ?? .identity).compressedBytes)
            }
            writer.write("prehash", bytes: prehash.bytes)
        case .interactiveSigning(let inputs, let prehash):
            writer.writeCount(6)
            Self.write(inputs, to: &writer)
            writer.write("prehash", bytes: prehash.bytes)
        }
        return Self.magic + [Self.encodingVersion] + writer.bytes
    }

    /// Decodes `encoded()` output, validating every key and parameter as a peer's.
    /// - Throws: `FaultDecodingError` saying what is wrong.
    public init(encoded bytes: [UInt8]) throws(FaultDecodingError) {
        var reader = try ReportEncoding.open(bytes, magic: Self.magic, version: Self.encodingVersion,
                                             what: "fault check context")
        do {
            let publicData = try ReportEncoding.readPublicData(&reader)
            guard let name = String(validating: try reader.readBytes("parameters"), as: UTF8.self),
                  let parameters = SchemeParameters.named(name) else {
                throw FaultDecodingError.malformed("unknown parameter set")
            }
            let inputs: Inputs
            switch try reader.readInteger("inputs") {
            case 0: inputs = .keyInit
            case 1: inputs = .auxGen
            case 2: inputs = .keyRefresh
            case 3:
                let oldKey = try ThresholdPublicKey(encoded: try reader.readBytes("old key"))
                let dealers = try ReportEncoding.readSortedParties(&reader)
                let holders = try ReportEncoding.readSortedParties(&reader)
                let threshold = try reader.readInteger("threshold")
                inputs = .keyResharing(try KeyResharingConfiguration(oldKey: oldKey, dealers: dealers,
                                                                     newHolders: holders, newThreshold: threshold))
            case 4: inputs = .presigning(try Self.readInputs(&reader, parameters: parameters))
            case 5:
                let nonce = try Self.readPoint(&reader, "nonce")
                let count = try reader.readCount("signers", minimumElementSize: 12)
                var deltas: [PartyID: Point] = [:], keyShares: [PartyID: Point] = [:]
                for _ in 0..<count {
                    let party = try PartyID(bytes: try reader.readBytes("party"))
                    guard deltas.keys.allSatisfy({ $0 < party }) else {
                        throw FaultDecodingError.malformed("signers not in strictly increasing order")
                    }
                    deltas[party] = try Self.readPoint(&reader, "delta")
                    keyShares[party] = try Self.readPoint(&reader, "s")
                }
                let prehash = try Prehash(bytes: try reader.readBytes("prehash"))
                inputs = .signing(commitments: PresignatureCommitments(nonce: nonce, nonceShares: deltas,
                                                                       keyNonceShares: keyShares), prehash: prehash)
            case 6:
                let presigning = try Self.readInputs(&reader, parameters: parameters)
                inputs = .interactiveSigning(presigning, prehash: try Prehash(bytes: try reader.readBytes("prehash")))
            case let other:
                throw FaultDecodingError.malformed("unknown input tag \(other)")
            }
            try reader.finish()
            self.init(publicData: publicData, parameters: parameters, inputs: inputs)
        } catch let error as FaultDecodingError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    private static func readPoint(_ reader: inout WireReader, _ name: String) throws -> Point {
        try Point(bytesAllowingIdentity: try reader.readBytes(name))
    }

    private static func write(_ inputs: PresigningPublicInputs, to writer: inout WireWriter) {
        let parties = inputs.publicShares.keys.sorted()
        writer.writeCount(parties.count)
        for party in parties {
            writer.write("party", bytes: party.bytes)
            writer.write("share", bytes: inputs.publicShares[party]!.compressedBytes)
            writer.write("paillier", bytes: inputs.publicAux[party]?.paillierKey.encoded() ?? [])
            writer.write("ring-pedersen", bytes: inputs.publicAux[party]?.ringPedersen.encoded() ?? [])
        }
    }

    private static func readInputs(_ reader: inout WireReader, parameters: SchemeParameters) throws -> PresigningPublicInputs {
        let count = try reader.readCount("signers", minimumElementSize: 16)
        var shares: [PartyID: Point] = [:], aux: [PartyID: PublicAuxInfo] = [:]
        for _ in 0..<count {
            let party = try PartyID(bytes: try reader.readBytes("party"))
            // Written in increasing order, so a repeated or out-of-order signer is refused.
            guard shares.keys.allSatisfy({ $0 < party }) else {
                throw FaultDecodingError.malformed("signers not in strictly increasing order")
            }
            shares[party] = try readPoint(&reader, "share")
            aux[party] = PublicAuxInfo(
                paillierKey: try PaillierPublicKey(encoding: try reader.readBytes("paillier"), expectedBits: parameters.modulusBits),
                ringPedersen: try RingPedersenParameters(encoding: try reader.readBytes("ring-pedersen"),
                                                         expectedBits: parameters.modulusBits))
        }
        return PresigningPublicInputs(publicShares: shares, publicAux: aux)
    }
}

extension SchemeParameters {
    /// Every parameter set this library defines, by `name`.
    public static let all: [SchemeParameters] = [.production112, .production128, .testing]

    /// The set called `name`, or nil.
    public static func named(_ name: String) -> SchemeParameters? { all.first { $0.name == name } }
}
