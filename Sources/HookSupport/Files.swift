// Reading and appending enroot's files with plain syscalls.
import Glibc

/// File access through read(2)/write(2) on plain descriptors, EINTR retried here only.
public enum Files {
    /// The whole file, or nil when it does not exist and `missingOK`.
    public static func read(_ path: String, what: String, missingOK: Bool) throws(HookFailure) -> [UInt8]? {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            let error = errno
            if error == ENOENT && missingOK { return nil }
            throw HookFailure("cannot open \(what) \(path): \(describe(error))")
        }
        defer { close(fd) }
        var status = stat()
        let size = fstat(fd, &status) == 0 ? max(Int(status.st_size), 0) : 0
        // /proc and /sys files report size 0, and sysctl files return nothing to a read that
        // does not start at offset 0: read those in one go.
        var buffer = [UInt8](repeating: 0, count: size == 0 ? 4096 : size + 1)
        var used = 0
        while true {
            if used == buffer.count { buffer += [UInt8](repeating: 0, count: max(buffer.count, 4096)) }
            let count = buffer.withUnsafeMutableBytes { raw in
                retrying { Glibc.read(fd, raw.baseAddress.map { $0 + used }, raw.count - used) }
            }
            if count < 0 { throw HookFailure("cannot read \(what) \(path): \(describe(errno))") }
            if count == 0 { break }
            used += count
        }
        buffer.removeLast(buffer.count - used)
        return buffer
    }

    /// Appends `text` with O_APPEND in one write when possible. A file whose last line lacks its
    /// newline gets one first, so the new line never glues onto it.
    public static func append(_ text: String, to path: String, what: String) throws(HookFailure) {
        var fd = retrying { open(path, O_RDWR | O_APPEND | O_CLOEXEC) }
        var canPeek = true
        if fd < 0 && errno == EACCES {
            fd = retrying { open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }
            canPeek = false
        }
        if fd < 0 { throw HookFailure("cannot open \(what) \(path): \(describe(errno))") }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var status = stat()
        if canPeek, fstat(fd, &status) == 0, status.st_size > 0 {
            var last: UInt8 = 0
            if retrying({ pread(fd, &last, 1, status.st_size - 1) }) == 1, last != UInt8(ascii: "\n") {
                bytes.insert(UInt8(ascii: "\n"), at: 0)
            }
        }
        guard writeAll(fd, bytes) else { throw HookFailure("cannot write \(what) \(path): \(describe(errno))") }
    }
}

/// Writes all of `bytes`; false on error (errno set).
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { raw in
            retrying { write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset) }
        }
        if count <= 0 { return false }
        offset += count
    }
    return true
}

@discardableResult
public func writeAll(_ fd: Int32, _ text: String) -> Bool { writeAll(fd, Array(text.utf8)) }

func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}

func describe(_ error: Int32) -> String {
    guard let message = strerror(error) else { return "errno \(error)" }
    return String(cString: message)
}
