import Glibc
import PyxisCore

/// `NodeSystem` over the node's kernel.
final class PosixNodeSystem: NodeSystem {
    func pathExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    func createRuntimeDirectory(_ path: String) throws(PyxisError) {
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw PyxisError("cannot create runtime_path \(path): \(String(cString: strerror(errno)))")
        }
        // An existing entry must be a real directory: never follow a planted symlink.
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw PyxisError("cannot inspect runtime_path \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw PyxisError("runtime_path \(path) exists but is not a directory (a symlink or file is not accepted)")
        }
    }
}
