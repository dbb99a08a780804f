import Glibc
import CSystem

/// Where the plugin finds the programs it runs, and the small files and directories it reads.
public enum Executables {
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// slurmstepd's `PATH`: where enroot and its helpers are looked up, and the `PATH` enroot
    /// runs with (the job's own `PATH` never reaches it).
    public static var searchPath: String {
        if let path = getenv("PATH"), path.pointee != 0 { return String(cString: path) }
        return defaultPath
    }

    /// The first executable `name` in `path`.
    public static func find(_ name: String, in path: String = searchPath) -> String? {
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Whether the caller may execute `path`.
    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// Whether the caller may read and write `path` (`/dev/fuse`).
    public static func canReadAndWrite(_ path: String) -> Bool { access(path, R_OK | W_OK) == 0 }

    /// Whether the caller may create files in directory `path`.
    public static func canWriteInto(_ path: String) throws(SystemError) {
        guard access(path, W_OK | X_OK) == 0 else { throw SystemError("access \(path)", errno: errno) }
    }

    /// A whole file of at most `limit` bytes as text (nil if missing or unreadable).
    public static func readText(_ path: String, limit: Int = 1 << 20) -> String? {
        FileReading.contents(of: path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names in directory `path` (none when it cannot be read).
    public static func directoryEntries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// The working directory.
public enum FileSystem {
    public static func changeDirectory(_ path: String) throws(SystemError) {
        guard chdir(path) == 0 else { throw SystemError("chdir \(path)", errno: errno) }
    }
}

extension Executables {
    /// The real path of the file this code was loaded from: the plugin's core in slurmstepd.
    public static var loadedFrom: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard csystem_image_path(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
