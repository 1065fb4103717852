// What Noise's secret-holding types show when printed or mirrored: their type name only. The
// keys themselves are `Bytes.SecretBytes`, which redacts itself as well.

extension X25519PrivateKey: CustomReflectable {
    /// No children, so `dump` never shows the key.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension CipherState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "CipherState" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SymmetricState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "SymmetricState" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
