import Glibc
import PyxisCore
import PyxisSystem

/// Cheap questions about the node, asked at most once per step.
enum NodeProbe {
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// slurmstepd's `PATH`: where enroot and its helpers are looked up, and the `PATH` enroot
    /// runs with (the job's own `PATH` never reaches it).
    static var searchPath: String {
        if let path = getenv("PATH"), path.pointee != 0 { return String(cString: path) }
        return defaultPath
    }

    /// The first executable `name` in `path`.
    static func findExecutable(_ name: String, in path: String = searchPath) -> String? {
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The facts of the enroot at `path` (its script), and what its configuration files set.
    static func enroot(at path: String) -> (installation: EnrootInstallation, configured: [String: String]) {
        guard let script = readSmallFile(path, limit: 1 << 20) else {
            return (EnrootInstallation(), [:])
        }
        let installation = EnrootInstallation(script: script)
        let conf = installation.sysconfDirectory + "/enroot.conf"
        let files = [conf] + directoryEntries(conf + ".d").filter { $0.hasSuffix(".conf") }.sorted().map { conf + ".d/" + $0 }
        return (installation, EnrootInstallation.settings(inConfigurationFiles: files.compactMap { readSmallFile($0) }))
    }

    /// What `enroot start FILE` needs to mount a squashfs file without unpacking it: FUSE,
    /// `squashfuse`, and `fuse-overlayfs` unless enroot uses the kernel's overlayfs
    /// (`ENROOT_NATIVE_OVERLAYFS`, on by default since enroot 3.5).
    static func squashfuseSupport(nativeOverlay: Bool) -> ContainerPlan.SquashfuseSupport {
        guard access("/dev/fuse", R_OK | W_OK) == 0 else {
            return .init(available: false, reason: "/dev/fuse is not usable")
        }
        guard let squashfuse = findExecutable("squashfuse") ?? findExecutable("squashfuse_ll") else {
            return .init(available: false, reason: "squashfuse is not installed")
        }
        if nativeOverlay {
            return .init(available: true, reason: "\(squashfuse) found, enroot uses native overlayfs")
        }
        guard let overlay = findExecutable("fuse-overlayfs") else {
            return .init(available: false, reason: "fuse-overlayfs is not installed and ENROOT_NATIVE_OVERLAYFS is off")
        }
        return .init(available: true, reason: "\(squashfuse) and \(overlay) found")
    }

    /// The names in directory `path` (none when it cannot be read).
    static func directoryEntries(_ path: String) -> [String] {
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

    /// A whole file of at most `limit` bytes (nil if missing or unreadable).
    static func readSmallFile(_ path: String, limit: Int = 1 << 20) -> String? {
        FileReading.contents(of: path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }
}
