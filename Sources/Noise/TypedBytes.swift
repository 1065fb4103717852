/// `withUnsafeBytes` for code with typed throws: the standard library's version rethrows
/// untyped errors, which would erase `NoiseError` to `any Error`.
extension Array where Element == UInt8 {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(NoiseError) -> R) throws(NoiseError) -> R {
        let result: Result<R, NoiseError> = withUnsafeBytes { p in Result { () throws(NoiseError) in try body(p) } }
        return try result.get()
    }
}

extension ArraySlice where Element == UInt8 {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(NoiseError) -> R) throws(NoiseError) -> R {
        let result: Result<R, NoiseError> = withUnsafeBytes { p in Result { () throws(NoiseError) in try body(p) } }
        return try result.get()
    }
}
