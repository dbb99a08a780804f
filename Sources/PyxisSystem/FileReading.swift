import Glibc

/// Whole-file reads for the small files the plugin looks at (`/proc/<pid>/environ`,
/// `/proc/<pid>/stat`, enroot.conf, a child's in-memory log).
public enum FileReading {
    /// Every byte from the current offset of `fd` to its end, at most `limit`.
    public static func readAll(_ fd: Int32, limit: Int = 1 << 24) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", errno: errno)
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// The bytes of the file at `path`, or nil when it cannot be opened or read.
    public static func contents(of path: String, limit: Int = 1 << 24) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try? readAll(fd, limit: limit)
    }
}
