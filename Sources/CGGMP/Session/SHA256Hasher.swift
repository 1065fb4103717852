import Hashing

/// SHA-256 over a domain tag and a sequence of length-prefixed items, so that different item
/// sequences never hash alike.
struct SHA256Hasher {
    private var hash = SHA256()

    init(domain: String) { append(Array(domain.utf8)) }

    mutating func append(_ item: [UInt8]) {
        let count = UInt32(item.count)
        hash.update([UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                     UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)])
        hash.update(item)
    }

    mutating func finalize() -> [UInt8] { hash.finalize() }
}
