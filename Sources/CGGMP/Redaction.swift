// Secret-holding types print and reflect as their type name (and public metadata) only.
//
// `description` of each type is declared with the type (public metadata such as the owner is fine
// to print); here every such type also gets `debugDescription` (used by `String(reflecting:)`,
// the debugger and `print` of collections) and an empty `customMirror`, so `dump`, `Mirror` and
// anything else built on reflection never walks into the fields (scalars, limbs, seeds, primes).
// `Scalar` and `BigInt` are redacted the same way at the leaf, so a composite that is missed here
// still prints no value; the per-type conformances keep the output short and deliberate.
// Tests: `Tests/CGGMPTests/RedactionTests.swift`.

extension ThresholdKeyShare: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension AdditiveKeyShare: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension PresignatureMaterial: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "PresignatureMaterial(owner: \(owner), signers: \(signers.count))" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension PresignatureSlot: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension AuxInfo: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SigningAuxInfo: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension AuxGenPrimes: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension DealtShare: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension DealtKey: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension KeyRefreshOutput: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension KeyInitSecrets: CustomDebugStringConvertible, CustomReflectable {
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension AuxRefreshSecrets: CustomDebugStringConvertible, CustomReflectable {
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension PresignSecrets: CustomDebugStringConvertible, CustomReflectable {
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension MtASecrets: CustomDebugStringConvertible, CustomReflectable {
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension Ed25519Signer: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SessionJournal: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
