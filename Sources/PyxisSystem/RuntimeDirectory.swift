import Glibc

/// `<runtime_path>/<uid>`: the user's directory for a step's temporary files (imported squashfs
/// files, the enroot start configuration, name locks), created by root in post_opt.
public enum RuntimeDirectory {
    /// Creates the directory (0700, owned by the user) or takes over an existing one, never
    /// following a symlink: the user owns it and could have replaced it with one.
    /// `SystemError.operation` is `mkdir` or `chown`, as pyxis names the failures.
    public static func create(_ path: String, uid: UInt32, gid: UInt32) throws(SystemError) {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw SystemError("mkdir", errno: errno)
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("mkdir", errno: errno == ELOOP ? ENOTDIR : errno) }
        defer { close(fd) }
        guard fchown(fd, uid, gid) == 0, fchmod(fd, 0o700) == 0 else {
            throw SystemError("chown", errno: errno)
        }
    }

    /// Removes `name` from the directory at `path` without following symlinks in the
    /// user-owned directory (a planted symlink is removed, not its target).
    public static func remove(_ name: String, in path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = unlinkat(fd, name, 0)
    }

    /// Writes `text` to a new file `path` (0600, never through a symlink), replacing an old one.
    public static func writeNewFile(_ path: String, _ text: String) throws(SystemError) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError("open \(path)", errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw SystemError("write \(path)", errno: written < 0 ? errno : EIO) }
    }
}
