/// The opening of a versioned encoding: a magic that says which type the bytes are (so a value of
/// one type is never read as another) and a version byte (so a later layout can be told apart).
///
/// Every header in swift-tss is declared as a static member of this type in `Identifiers.swift`
/// (``EncodingHeader/keyShare``, ``EncodingHeader/paillierPublicKey``, …), where collisions are
/// reviewable. ``ByteReader/init(_:header:)`` refuses bytes that do not open with the header.
public struct EncodingHeader: Sendable, Hashable {
    /// The type's name, used as the field of a ``DecodingError`` about the header.
    public let name: String
    /// The bytes every encoding of the type starts with (empty only for the signed message, whose
    /// type the peer channel already fixes).
    public let magic: [UInt8]
    /// The version this library writes.
    public let version: UInt8

    /// A header; nothing is checked here (IdentifierTests checks that no magic is a prefix of
    /// another). Declare new headers in `Identifiers.swift`, never at a use site.
    public init(name: String, magic: [UInt8], version: UInt8) {
        self.name = name
        self.magic = magic
        self.version = version
    }
}

/// A type stored or sent as `magic ‖ version ‖ fields`.
///
/// The one name pair for encodings in swift-tss is `encoded` / `init(encoded:)`: every conforming
/// type has the property, and an initialiser `init(encoded:…)` that takes whatever context its
/// validation needs (the scheme parameters, a public key) and refuses anything else with a typed
/// error. ``encodingVersion`` is the number a store records beside the bytes, the same byte that
/// is in the header, so there is one version number and not two.
///
/// Noncopyable types may conform: a one-time value (a presignature) implements `encoded` as a
/// `consuming get`, so encoding it hands over the only copy.
public protocol VersionedEncoding: ~Copyable {
    /// This type's magic and current version.
    static var encodingHeader: EncodingHeader { get }
    /// `magic ‖ version ‖ fields`.
    var encoded: [UInt8] { consuming get }
}

extension VersionedEncoding where Self: ~Copyable {
    /// The version this library writes (the header's version byte).
    public static var encodingVersion: UInt8 { encodingHeader.version }
}
