// The hook's process environment, read from `environ`.
import EnvRemap
import Glibc

public enum ProcessEnvironment {
    /// The process environment from `environ`, first occurrence of a name winning.
    ///
    /// Added one by one rather than through `[(String, String)]`: the runtime builds the
    /// metadata of a tuple array by demangling its name, about 0.2 ms of every hook's start.
    public static func current() -> Environment {
        var environment = Environment()
        // `environ` is NULL after clearenv(3); the optional binding keeps that from trapping.
        let start: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var cursor = start else { return environment }
        while let entry = cursor.pointee {
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let text = UnsafeBufferPointer(start: bytes, count: length)
                if let equals = text.firstIndex(of: UInt8(ascii: "=")) {
                    environment.add(
                        String(decoding: UnsafeBufferPointer(rebasing: text[..<equals]), as: UTF8.self),
                        String(decoding: UnsafeBufferPointer(rebasing: text[(equals + 1)...]), as: UTF8.self))
                }
            }
            cursor += 1
        }
        return environment
    }
}
