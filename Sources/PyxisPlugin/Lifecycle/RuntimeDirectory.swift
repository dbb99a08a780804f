import Glibc
import PyxisCore

/// `<runtime_path>/<uid>`: the user's directory for the step's temporary files (imported
/// squashfs files, the enroot start config, name locks). Created by root in post_opt.
enum RuntimeDirectory {
    /// Creates the directory (0700, owned by the user) or takes over an existing one, never
    /// following a symlink: the user owns it and could have replaced it with one.
    static func create(_ path: String, uid: UInt32, gid: UInt32) throws(LifecycleError) {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw LifecycleError("couldn't mkdir \(path): \(String(cString: strerror(errno))) (the user's runtime directory: is runtime_path a directory slurmd created?)")
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw LifecycleError("couldn't mkdir \(path): \(String(cString: strerror(errno))) (it exists and is not a directory; a symlink is not accepted)")
        }
        defer { close(fd) }
        guard fchown(fd, uid, gid) == 0, fchmod(fd, 0o700) == 0 else {
            throw LifecycleError("couldn't chown \(path): \(String(cString: strerror(errno))) (to uid \(uid))")
        }
    }

    /// Removes `name` from the directory at `path` as root without following symlinks in the
    /// user-owned directory (a planted symlink is removed, not its target).
    static func remove(_ name: String, in path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = unlinkat(fd, name, 0)
    }
}

/// Serialises the set-up of one named container between the steps of a user on a node: the
/// second of two steps started on the same new name waits until the first has created and
/// started it, instead of starting on a half-unpacked filesystem.
final class NameLock {
    private var fd: Int32
    private let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Takes the lock at `path` (created 0600 without following symlinks), waiting at most
    /// `timeout` seconds; `onWait` runs once if it has to wait.
    static func acquire(_ path: String, timeout: Double, onWait: () -> Void) throws(LifecycleError) -> NameLock {
        let deadline = Clock.now() + timeout * 1000
        var waited = false
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw LifecycleError("failed to acquire container setup lock: \(String(cString: strerror(errno))) (creating \(path))")
            }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR else {
                    close(fd)
                    throw LifecycleError("failed to acquire container setup lock: \(String(cString: strerror(errno))) (\(path))")
                }
                if !waited {
                    onWait()
                    waited = true
                }
                guard Clock.now() < deadline else {
                    close(fd)
                    throw LifecycleError("failed to acquire container setup lock: gave up after \(Int(timeout)) s waiting for another step to finish setting up this container; try again later")
                }
                usleep(100_000)
            }
            // The holder unlinks the file when it is done: a lock on an unlinked file is stale.
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0, lstat(path, &current) == 0,
               held.st_dev == current.st_dev, held.st_ino == current.st_ino {
                return NameLock(fd: fd, path: path)
            }
            close(fd)
        }
    }

    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
