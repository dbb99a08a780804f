import Glibc
import PyxisCore
import PyxisSystem

/// `NodeSystem` over the node's kernel.
final class PosixNodeSystem: NodeSystem {
    func pathStatus(_ path: String) -> PathStatus {
        var info = stat()
        if stat(path, &info) == 0 {
            return .exists
        }
        let error = errno
        if error == ENOENT || error == ENOTDIR {
            return .missing
        }
        return .unknown(SystemError("stat", errno: error).reason)
    }

    /// In slurmd. A failing `mkdir` reads as pyxis's `slurmd: couldn't mkdir PATH: REASON`.
    func createRuntimeDirectory(_ path: String) throws(PyxisError) {
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw PyxisError("slurmd: couldn't mkdir \(path): \(SystemError("mkdir", errno: errno).reason) (the runtime_path directory)")
        }
        // An existing entry must be a real directory: never follow a planted symlink.
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw PyxisError("slurmd: couldn't mkdir \(path): \(SystemError("lstat", errno: errno).reason) (cannot inspect the existing runtime_path)")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw PyxisError("runtime_path \(path) exists but is not a directory (a symlink or file is not accepted)")
        }
    }
}
