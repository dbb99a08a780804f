import Glibc

/// Serialises the set-up of one named container between the steps of a user on a node: the
/// second of two steps started on the same new name waits until the first has created and
/// started it, instead of starting on a half-unpacked filesystem. An `flock` on a file in the
/// user's runtime directory; the holder unlinks the file when done, so a waiter that got the
/// lock of an unlinked file tries again.
public final class NameLock {
    private var fd: Int32
    private let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    public enum Failure: Error, Sendable {
        case system(SystemError)
        case timedOut(seconds: Int)
    }

    /// Takes the lock at `path` (created 0600 without following symlinks), waiting at most
    /// `timeout` seconds; `onWait` runs once if it has to wait.
    public static func acquire(_ path: String, timeout: Double, onWait: () -> Void) throws(Failure) -> NameLock {
        let deadline = MonotonicClock.milliseconds() + timeout * 1000
        var waited = false
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .system(SystemError("open \(path)", errno: errno)) }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR else {
                    let error = SystemError("flock \(path)", errno: errno)
                    close(fd)
                    throw .system(error)
                }
                if !waited {
                    onWait()
                    waited = true
                }
                guard MonotonicClock.milliseconds() < deadline else {
                    close(fd)
                    throw .timedOut(seconds: Int(timeout))
                }
                usleep(100_000)
            }
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0, lstat(path, &current) == 0,
               held.st_dev == current.st_dev, held.st_ino == current.st_ino {
                return NameLock(fd: fd, path: path)
            }
            close(fd)
        }
    }

    public func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }
}

/// Milliseconds on the monotonic clock.
public enum MonotonicClock {
    public static func milliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1_000_000
    }
}
