// The file operations the standard hooks perform in the container's root file system, each
// doing what the script's command does (`mkdir -p`, `cp`, `ln -s`, `mv`) with plain syscalls.
// Where the script would write *through* a symbolic link the image planted, these replace or
// refuse it instead (O_NOFOLLOW, rename over): the hooks run as the user, before pivot_root.
// Paths in the image come from ImageRoot, which resolves their directories inside the image.
import Glibc

public enum FileSystem {
    public enum Kind { case regular, directory, symlink, other }

    /// The kind of `path` (`follow`: of what a link points to), nil when it does not exist.
    public static func kind(_ path: String, follow: Bool = true) -> Kind? {
        guard let status = status(path, follow: follow) else { return nil }
        switch status.st_mode & 0o170000 {
        case 0o100000: return .regular
        case 0o040000: return .directory
        case 0o120000: return .symlink
        default: return .other
        }
    }

    public static func status(_ path: String, follow: Bool = true) -> stat? {
        var status = stat()
        let result = follow ? stat(path, &status) : lstat(path, &status)
        return result == 0 ? status : nil
    }

    /// `[ -x PATH ]`
    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// The process umask (read by setting it and putting it back; the hooks are single-threaded).
    public static var umask: mode_t {
        let mask = Glibc.umask(0o022)
        Glibc.umask(mask)
        return mask
    }

    /// Creates `path`, which must not exist (not even as a dangling link: `cp` refuses to write
    /// through one), with `bytes` and `mode` less the umask.
    public static func createFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o666) throws(HookFailure) {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw HookFailure("cannot create \(path): \(describe(errno))") }
        defer { close(fd) }
        guard writeAll(fd, bytes) else { throw HookFailure("cannot write \(path): \(describe(errno))") }
    }

    /// `printf ... > PATH`: an existing regular file is truncated and rewritten (its mode kept);
    /// anything else there (a link the image planted) is replaced rather than written through.
    public static func overwrite(_ path: String, _ bytes: [UInt8]) throws(HookFailure) {
        let fd = retrying { open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC) }
        if fd < 0 {
            try replace(path, bytes, mode: 0o666 & ~umask)
            return
        }
        defer { close(fd) }
        guard writeAll(fd, bytes) else { throw HookFailure("cannot write \(path): \(describe(errno))") }
    }

    /// Writes `bytes` to a new file beside `path` with exactly `mode`, then renames it over `path`
    /// (the script's `mktemp -p DIR` + `mv`), so readers never see half a file.
    public static func replace(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(HookFailure) {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        var template = Array("\(path[..<slash]).\(path[slash...]).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw HookFailure("cannot create a temporary file beside \(path): \(describe(errno))") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: HookFailure?
        if !writeAll(fd, bytes) || fchmod(fd, mode) != 0 {
            failure = HookFailure("cannot write \(temporary): \(describe(errno))")
        }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 {
            failure = HookFailure("cannot rename \(temporary) to \(path): \(describe(errno))")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// `unlink(2)` of a file or link.
    public static func remove(_ path: String) throws(HookFailure) {
        guard unlink(path) == 0 else { throw HookFailure("cannot remove \(path): \(describe(errno))") }
    }

    /// `ln -s TARGET PATH` (fails when PATH exists).
    public static func symlink(_ target: String, at path: String) throws(HookFailure) {
        guard Glibc.symlink(target, path) == 0 else {
            throw HookFailure("cannot create symbolic link \(path): \(describe(errno))")
        }
    }

    public static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `readlink -f PATH`: every link followed, every directory on the way must exist, the last
    /// component need not. Nil when a directory is missing.
    public static func canonical(_ path: String) -> String? {
        var current = path
        for _ in 0..<40 {
            guard let target = readLink(current) else { break }
            current = target.hasPrefix("/") ? target : directoryName(current) + "/" + target
        }
        let name = current.split(separator: "/").last.map(String.init) ?? ""
        if name.isEmpty || name == "." || name == ".." { return resolved(current) }
        guard let directory = resolved(directoryName(current)) else { return nil }
        return directory == "/" ? "/" + name : directory + "/" + name
    }

    /// realpath(3): every component must exist.
    static func resolved(_ path: String) -> String? {
        guard let result = realpath(path, nil) else { return nil }
        defer { free(result) }
        return String(cString: result)
    }

    /// `dirname PATH`
    public static func directoryName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let directory = trimmed[..<slash]
        return directory.isEmpty ? "/" : String(directory)
    }
}
