// `cp SOURCE DESTINATION` and the attributes `cp -p` keeps (ImageRoot.copyTree copies a tree).
import Glibc

extension FileSystem {
    /// Copies a regular file to a new `destination` (not written through a link) with the
    /// source's mode less the umask, as plain `cp` does; with `preserve`, mode and times exactly.
    public static func copyFile(_ source: String, to destination: String, preserve: Bool = false) throws(HookFailure) {
        guard let bytes = try Files.read(source, what: "file", missingOK: false), let status = status(source) else {
            throw HookFailure("cannot stat \(source): \(describe(errno))")
        }
        try createFile(destination, bytes, mode: status.st_mode & 0o7777)
        if preserve { try preserveAttributes(of: status, on: destination) }
    }

    /// The mode (`& modeMask`) and times of `status` given to `path`.
    public static func preserveAttributes(of status: stat, on path: String, modeMask: mode_t = 0o7777) throws(HookFailure) {
        var times = [status.st_atim, status.st_mtim]
        guard chmod(path, status.st_mode & modeMask) == 0, utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw HookFailure("cannot preserve the attributes of \(path): \(describe(errno))")
        }
    }

    /// The names in a directory, without `.` and `..`.
    static func entries(of path: String) throws(HookFailure) -> [String] {
        guard let directory = opendir(path) else { throw HookFailure("cannot open directory \(path): \(describe(errno))") }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
