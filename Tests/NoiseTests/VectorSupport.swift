import Foundation
@_spi(NoiseTesting) @testable import Noise
import TestSupport

/// One handshake-plus-transport session in the cacophony JSON shape (also used by snow.json and
/// by our own Vectors/noise files; flynn's key=value blocks are converted into it).
struct NoiseVector: Decodable {
    struct Message: Decodable {
        let payload: String
        let ciphertext: String
    }

    var protocol_name: String
    var init_prologue: String
    var init_static: String?
    var init_ephemeral: String
    var init_remote_static: String?
    var init_psks: [String]?
    var resp_prologue: String
    var resp_static: String?
    var resp_ephemeral: String?
    var resp_remote_static: String?
    var resp_psks: [String]?
    var handshake_hash: String?
    var messages: [Message]
}

struct NoiseVectorFile: Decodable {
    let vectors: [NoiseVector]
}

/// Who writes transport messages. Cacophony and snow: message i (counted from the first
/// handshake message) is the initiator's when i is even, and a one-way pattern's initiator
/// writes them all. flynn: transport messages alternate starting with the initiator right after
/// the handshake, and one-way patterns use the responder's direction too.
enum TransportConvention {
    case cacophony
    case flynn
}

enum VectorOutcome: Equatable {
    case passed
    case skipped(String)
}

/// Failures carry where they happened so a broken vector is easy to find.
struct VectorMismatch: Error, CustomStringConvertible {
    let description: String
}

/// Loads a JSON vector file in the cacophony shape.
func loadJSONVectors(_ url: URL) throws -> [NoiseVector] {
    try TestVectors.decode(NoiseVectorFile.self, from: url).vectors
}

/// Parses flynn-vectors.txt: blank-line separated blocks of key=value lines. A block gives raw
/// private statics, one `preshared_key` used for every psk token, and `msg_N_*` lines.
func loadFlynnVectors(_ url: URL) throws -> [NoiseVector] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.components(separatedBy: "\n\n").compactMap { block -> NoiseVector? in
        var fields: [String: String] = [:]
        for line in block.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let name = fields["handshake"] else { return nil }
        var messages: [NoiseVector.Message] = []
        while let payload = fields["msg_\(messages.count)_payload"],
              let ciphertext = fields["msg_\(messages.count)_ciphertext"] {
            messages.append(.init(payload: payload, ciphertext: ciphertext))
        }
        var vector = NoiseVector(
            protocol_name: name, init_prologue: fields["prologue"] ?? "", init_static: fields["init_static"],
            init_ephemeral: fields["gen_init_ephemeral"] ?? "", resp_prologue: fields["prologue"] ?? "",
            resp_static: fields["resp_static"], resp_ephemeral: fields["gen_resp_ephemeral"],
            messages: messages)
        // Remote statics known before the handshake are the public halves of the peer's key.
        guard !name.contains("_448_"), let parsed = try? NoiseProtocolName(name) else { return vector }
        if parsed.pattern.responderPreMessage.contains(.s), let rs = fields["resp_static"] {
            vector.init_remote_static = hexString(try X25519PrivateKey(rawRepresentation: hexBytes(rs)).publicKey.rawRepresentation)
        }
        if parsed.pattern.initiatorPreMessage.contains(.s), let s = fields["init_static"] {
            vector.resp_remote_static = hexString(try X25519PrivateKey(rawRepresentation: hexBytes(s)).publicKey.rawRepresentation)
        }
        if let psk = fields["preshared_key"] {
            vector.init_psks = Array(repeating: psk, count: parsed.pattern.preSharedKeyCount)
            vector.resp_psks = vector.init_psks
        }
        return vector
    }
}

/// Runs both sides of a vector against each other, checking every ciphertext the writer
/// produces, every payload the reader recovers, and the handshake hash where given.
func runVector(_ v: NoiseVector, convention: TransportConvention = .cacophony) throws -> VectorOutcome {
    let name: NoiseProtocolName
    switch Result(catching: { () throws(NoiseError) in try NoiseProtocolName(v.protocol_name) }) {
    case .success(let parsed): name = parsed
    case .failure(.unknownDHFunction(let dh)): return .skipped("DH \(dh)")
    case .failure(let error): throw error
    }
    func priv(_ hex: String?) throws -> X25519PrivateKey? {
        try hex.map { try X25519PrivateKey(rawRepresentation: hexBytes($0)) }
    }
    func pub(_ hex: String?) throws -> X25519PublicKey? {
        try hex.map { try X25519PublicKey(rawRepresentation: hexBytes($0)) }
    }
    // A one-way responder never sends an ephemeral; any fixed key stands in for the unused one.
    let unusedEphemeral = try X25519PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
    var initiator = try HandshakeState(
        protocolName: name, role: .initiator, prologue: hexBytes(v.init_prologue),
        localStaticKey: priv(v.init_static), remoteStaticKey: pub(v.init_remote_static),
        preSharedKeys: (v.init_psks ?? []).map(hexBytes),
        insecureFixedEphemeralKeyForTesting: try priv(v.init_ephemeral)!)
    var responder = try HandshakeState(
        protocolName: name, role: .responder, prologue: hexBytes(v.resp_prologue),
        localStaticKey: priv(v.resp_static), remoteStaticKey: pub(v.resp_remote_static),
        preSharedKeys: (v.resp_psks ?? []).map(hexBytes),
        insecureFixedEphemeralKeyForTesting: try priv(v.resp_ephemeral) ?? unusedEphemeral)

    func check(_ ok: Bool, _ what: String, _ index: Int) throws {
        if !ok { throw VectorMismatch(description: "\(v.protocol_name): message \(index) \(what) differs") }
    }

    let handshakeCount = name.pattern.messages.count
    guard v.messages.count >= handshakeCount else {
        throw VectorMismatch(description: "\(v.protocol_name): fewer messages than the handshake has")
    }
    for (i, message) in v.messages.prefix(handshakeCount).enumerated() {
        let payload = hexBytes(message.payload), expected = hexBytes(message.ciphertext)
        if i % 2 == 0 {
            try check(try initiator.writeMessage(payload) == expected, "ciphertext", i)
            try check(try responder.readMessage(expected) == payload, "payload", i)
        } else {
            try check(try responder.writeMessage(payload) == expected, "ciphertext", i)
            try check(try initiator.readMessage(expected) == payload, "payload", i)
        }
    }
    try check(initiator.handshakeHash == responder.handshakeHash, "handshake hash (initiator vs responder)", handshakeCount)
    if let hash = v.handshake_hash {
        try check(initiator.handshakeHash == hexBytes(hash), "handshake hash", handshakeCount)
    }

    var initiatorTransport: TransportState
    var responderTransport: TransportState
    switch convention {
    case .cacophony:
        initiatorTransport = try initiator.intoTransport()
        responderTransport = try responder.intoTransport()
    case .flynn:
        initiatorTransport = try initiator.intoTransportKeepingOneWayReverseDirectionForTesting()
        responderTransport = try responder.intoTransportKeepingOneWayReverseDirectionForTesting()
    }
    for (i, message) in v.messages.enumerated().dropFirst(handshakeCount) {
        let payload = hexBytes(message.payload), expected = hexBytes(message.ciphertext)
        let initiatorWrites = switch convention {
        case .cacophony: i % 2 == 0 || name.pattern.isOneWay
        case .flynn: (i - handshakeCount) % 2 == 0
        }
        if initiatorWrites {
            try check(try initiatorTransport.writeMessage(payload) == expected, "ciphertext", i)
            try check(try responderTransport.readMessage(expected) == payload, "payload", i)
        } else {
            try check(try responderTransport.writeMessage(payload) == expected, "ciphertext", i)
            try check(try initiatorTransport.readMessage(expected) == payload, "payload", i)
        }
    }
    return .passed
}

/// Runs every vector; returns (passed, skipped) and the failures' descriptions.
func runAll(_ vectors: [NoiseVector], convention: TransportConvention = .cacophony) -> (passed: Int, skipped: Int, failures: [String]) {
    var passed = 0, skipped = 0
    var failures: [String] = []
    for vector in vectors {
        do {
            switch try runVector(vector, convention: convention) {
            case .passed: passed += 1
            case .skipped: skipped += 1
            }
        } catch {
            failures.append("\(vector.protocol_name): \(error)")
        }
    }
    return (passed, skipped, failures)
}
