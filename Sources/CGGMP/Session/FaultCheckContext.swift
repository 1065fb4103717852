import Bytes
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
/// Layout: "TSSFCX", version 2, then wire fields: session id, protocol tag, committee, parameter
/// set name, an input tag and the protocol's inputs. Version 2 added the presigning session id to
/// the signing inputs (tag 5) and the caller's session id to the signed-agreement inputs (tag 7);
/// version 1 is refused.
public struct FaultCheckContext: Sendable, VersionedEncoding {
    /// The public inputs of each protocol's checks.
    public enum Inputs: Sendable {
        /// KeyInit: its checks need only the parameters.
        case keyInit
        /// AuxGen: its checks need only the parameters.
        case auxGen
        /// KeyRefresh: its checks need only the parameters.
        case keyRefresh
        /// KeyResharing, with the run's configuration (old key, dealers, new holders and threshold).
        case keyResharing(KeyResharingConfiguration)
        /// Presigning, with the signers' public shares and aux info.
        case presigning(PresigningPublicInputs)
        /// Signing, with the presignature's public commitments and the message hash signed. A σ
        /// message naming another presignature than `commitments.id` is not judged.
        case signing(commitments: PresignatureCommitments, prehash: Prehash)
        /// Interactive signing (presigning and signing in one run), with the presigning inputs and the
        /// message hash.
        case interactiveSigning(PresigningPublicInputs, prehash: Prehash)
        /// Signed agreement, with its senders, receivers and validity check, and the caller's
        /// session id (`SignedAgreement.makeSession`'s `sessionID`). The context's public data must
        /// be `SignedAgreement.publicData(sessionID:configuration:)` of exactly these: the messages
        /// are signed under the session id derived from both, so a context whose configuration
        /// differs from the one the parties signed proves nothing.
        case signedAgreement(SignedAgreementConfiguration, sessionID: [UInt8])
    }

    /// The session the fault report is about.
    public let publicData: SessionPublicData
    /// The parameter set the session ran with.
    public let parameters: SchemeParameters
    /// The public inputs of the protocol's checks.
    public let inputs: Inputs

    /// A context from its parts. Never fails; whether they fit a report is the verdict's question
    /// (evidence of another session is not proven).
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
        case .signedAgreement(let configuration, let sessionID):
            SignedAgreement.evidenceRechecker(sessionID: sessionID, configuration: configuration)
        }
    }

    /// The verdict of `fault`'s evidence in this context. The fault's protocol tag must be this
    /// context's; evidence for another session is not proven. For a signed agreement, the public
    /// data must be the one derived from the inputs' session id and configuration (else not proven:
    /// the parties did not sign that configuration).
    public func verdict(of fault: ProtocolFault, verifier: some IdentitySignatureVerifier = Ed25519Verifier()) -> EvidenceVerdict {
        if case .signedAgreement(let configuration, let sessionID) = inputs {
            guard let bound = try? SignedAgreement.publicData(sessionID: sessionID, configuration: configuration),
                  bound == publicData else {
                return .notProven("the session id is not derived from this configuration: its messages did not sign it")
            }
        }
        return fault.evidence.verdict(publicData: publicData, verifier: verifier, rechecker: rechecker())
    }

    // MARK: Encoding

    /// "TSSFCX", version 2.
    public static var encodingHeader: EncodingHeader { .faultCheckContext }

    /// The layout above. Never fails.
    public var encoded: [UInt8] {
        var writer = ByteWriter(header: Self.encodingHeader)
        ReportEncoding.write(publicData, to: &writer)
        writer.write("parameters", bytes: Array(parameters.name.utf8))
        switch inputs {
        case .keyInit: writer.appendCount(0)
        case .auxGen: writer.appendCount(1)
        case .keyRefresh: writer.appendCount(2)
        case .keyResharing(let configuration):
            writer.appendCount(3)
            writer.write("old key", bytes: configuration.oldKey.encoded)
            ReportEncoding.writeParties(configuration.dealers, to: &writer)
            ReportEncoding.writeParties(configuration.newHolders, to: &writer)
            writer.appendCount(configuration.newThreshold)
        case .presigning(let inputs):
            writer.appendCount(4)
            Self.write(inputs, to: &writer)
        case .signing(let commitments, let prehash):
            writer.appendCount(5)
            writer.write("presigning session", bytes: commitments.presigningSessionID)
            writer.write("nonce", bytes: commitments.nonce.compressedRepresentation)
            writer.appendCount(commitments.nonceShares.count)
            for party in commitments.nonceShares.keys.sorted() {
                writer.write("party", bytes: party.rawRepresentation)
                writer.write("delta", bytes: commitments.nonceShares[party]!.compressedRepresentation)
                writer.write("s", bytes: (commitments.keyNonceShares[party] ?? .identity).compressedRepresentation)
            }
            writer.write("prehash", bytes: prehash.rawRepresentation)
        case .interactiveSigning(let inputs, let prehash):
            writer.appendCount(6)
            Self.write(inputs, to: &writer)
            writer.write("prehash", bytes: prehash.rawRepresentation)
        case .signedAgreement(let configuration, let sessionID):
            writer.appendCount(7)
            writer.write("agreement session", bytes: sessionID)
            configuration.write(to: &writer)
        }
        return writer.bytes
    }

    /// Decodes `encoded` output, validating every key and parameter as a peer's.
    /// - Throws: `FaultDecodingError.malformed` naming the field that was refused (a nested
    ///   threshold key's field as `old key/field`; a key or configuration the library refuses as
    ///   `.invalidValue`).
    public init(encoded bytes: [UInt8]) throws(FaultDecodingError) {
        var reader = try ReportEncoding.open(bytes, header: Self.encodingHeader)
        do throws(DecodingError) {
            let publicData = try ReportEncoding.readPublicData(&reader)
            let name = try reader.readString("parameters")
            guard let parameters = SchemeParameters.named(name) else {
                throw DecodingError(field: "parameters", reason: .invalidValue("unknown parameter set"))
            }
            let inputs: Inputs
            switch try reader.readInteger("inputs") {
            case 0: inputs = .keyInit
            case 1: inputs = .auxGen
            case 2: inputs = .keyRefresh
            case 3:
                let oldKey: ThresholdPublicKey
                let oldKeyBytes = try reader.readLengthPrefixed("old key")
                do throws(KeyShareError) { oldKey = try ThresholdPublicKey(encoded: oldKeyBytes) } catch {
                    switch error {
                    case .malformedEncoding(let inner): throw inner.nested(in: "old key")
                    default: throw DecodingError(field: "old key", reason: .invalidValue("\(error)"))
                    }
                }
                let dealers = try ReportEncoding.readSortedParties(&reader)
                let holders = try ReportEncoding.readSortedParties(&reader)
                let threshold = try reader.readInteger("threshold")
                do {
                    inputs = .keyResharing(try KeyResharingConfiguration(oldKey: oldKey, dealers: dealers,
                                                                         newHolders: holders, newThreshold: threshold))
                } catch {
                    throw DecodingError(field: "threshold", reason: .invalidValue("\(error)"))
                }
            case 4: inputs = .presigning(try Self.readInputs(&reader, parameters: parameters))
            case 5:
                let presigningSessionID = try reader.readLengthPrefixed("presigning session")
                let nonce = try reader.readPoint("nonce")
                let count = try reader.readCount("signers", minimumElementSize: 12)
                var deltas: [PartyID: Point] = [:], keyShares: [PartyID: Point] = [:]
                for _ in 0..<count {
                    let party = try reader.readPartyID("party")
                    guard deltas.keys.allSatisfy({ $0 < party }) else {
                        throw DecodingError(field: "party", reason: .nonCanonical("signers not in strictly increasing order"))
                    }
                    deltas[party] = try reader.readPoint("delta")
                    keyShares[party] = try reader.readPoint("s")
                }
                let prehash = try Self.readPrehash(&reader)
                inputs = .signing(commitments: PresignatureCommitments(presigningSessionID: presigningSessionID, nonce: nonce,
                                                                       nonceShares: deltas, keyNonceShares: keyShares),
                                  prehash: prehash)
            case 6:
                let presigning = try Self.readInputs(&reader, parameters: parameters)
                inputs = .interactiveSigning(presigning, prehash: try Self.readPrehash(&reader))
            case 7:
                let agreementSessionID = try reader.readLengthPrefixed("agreement session")
                let senders = try ReportEncoding.readSortedParties(&reader)
                let receivers = try ReportEncoding.readSortedParties(&reader)
                let validity: SignedAgreementValidity
                switch try reader.readInteger("validity") {
                case 0: validity = .bytes(maximumSize: try reader.readInteger("maximum size"))
                case 1:
                    let holders = try ReportEncoding.readSortedParties(&reader)
                    validity = .thresholdPublicKey(holders: holders, threshold: try reader.readInteger("threshold"))
                case let other:
                    throw DecodingError(field: "validity", reason: .invalidValue("unknown validity tag \(other)"))
                }
                do {
                    inputs = .signedAgreement(try SignedAgreementConfiguration(senders: senders, receivers: receivers,
                                                                               validity: validity),
                                              sessionID: agreementSessionID)
                } catch {
                    throw DecodingError(field: "parties", reason: .invalidValue("\(error)"))
                }
            case let other:
                throw DecodingError(field: "inputs", reason: .invalidValue("unknown input tag \(other)"))
            }
            try reader.finish(Self.encodingHeader.name)
            self.init(publicData: publicData, parameters: parameters, inputs: inputs)
        } catch {
            throw .malformed(error)
        }
    }

    /// A point as its length-prefixed SEC1 bytes (compressed or the identity byte).
    private static func readPrehash(_ reader: inout ByteReader) throws(DecodingError) -> Prehash {
        let bytes = try reader.readLengthPrefixed("prehash")
        do { return try Prehash(rawRepresentation: bytes) } catch {
            throw DecodingError(field: "prehash", reason: .invalidValue("\(error)"))
        }
    }

    private static func write(_ inputs: PresigningPublicInputs, to writer: inout ByteWriter) {
        let parties = inputs.publicShares.keys.sorted()
        writer.appendCount(parties.count)
        for party in parties {
            writer.write("party", bytes: party.rawRepresentation)
            writer.write("share", bytes: inputs.publicShares[party]!.compressedRepresentation)
            writer.write("paillier", bytes: inputs.publicAux[party]?.paillierKey.encoded ?? [])
            writer.write("ring-pedersen", bytes: inputs.publicAux[party]?.ringPedersen.encoded ?? [])
        }
    }

    private static func readInputs(_ reader: inout ByteReader, parameters: SchemeParameters) throws(DecodingError) -> PresigningPublicInputs {
        let count = try reader.readCount("signers", minimumElementSize: 16)
        var shares: [PartyID: Point] = [:], aux: [PartyID: PublicAuxInfo] = [:]
        for _ in 0..<count {
            let party = try reader.readPartyID("party")
            // Written in increasing order, so a repeated or out-of-order signer is refused.
            guard shares.keys.allSatisfy({ $0 < party }) else {
                throw DecodingError(field: "party", reason: .nonCanonical("signers not in strictly increasing order"))
            }
            shares[party] = try reader.readPoint("share")
            let paillierBytes = try reader.readLengthPrefixed("paillier")
            let paillier: PaillierPublicKey
            do { paillier = try PaillierPublicKey(encoded: paillierBytes, expectedBits: parameters.modulusBits) } catch {
                throw DecodingError(field: "paillier", reason: .invalidValue("\(error)"))
            }
            let ringPedersenBytes = try reader.readLengthPrefixed("ring-pedersen")
            let ringPedersen: RingPedersenParameters
            do { ringPedersen = try RingPedersenParameters(encoded: ringPedersenBytes, expectedBits: parameters.modulusBits) } catch {
                throw DecodingError(field: "ring-pedersen", reason: .invalidValue("\(error)"))
            }
            aux[party] = PublicAuxInfo(paillierKey: paillier, ringPedersen: ringPedersen)
        }
        return PresigningPublicInputs(publicShares: shares, publicAux: aux)
    }
}

extension SchemeParameters {
    /// Every parameter set this library defines, by `name`.
    public static let all: [SchemeParameters] = [.production112, .production128, .testing]

    /// The set called `name` (its transcript name, such as "production112" or "testing-UNSAFE", or
    /// "testing", the name configurations and the command line use for the test set), or nil.
    public static func named(_ name: String) -> SchemeParameters? {
        all.first { $0.name == name } ?? (name == "testing" ? .testing : nil)
    }
}
