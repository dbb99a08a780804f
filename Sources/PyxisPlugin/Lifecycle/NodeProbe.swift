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

    /// What `enroot start FILE` needs to mount a squashfs file without unpacking it: FUSE,
    /// `squashfuse`, and `fuse-overlayfs` unless enroot is set to use native overlayfs.
    static func squashfuseSupport(sysconfDirectory: String = "/etc/enroot") -> ContainerPlan.SquashfuseSupport {
        guard access("/dev/fuse", R_OK | W_OK) == 0 else {
            return .init(available: false, reason: "/dev/fuse is not usable")
        }
        guard let squashfuse = findExecutable("squashfuse") ?? findExecutable("squashfuse_ll") else {
            return .init(available: false, reason: "squashfuse is not installed")
        }
        if nativeOverlayConfigured(sysconfDirectory + "/enroot.conf") {
            return .init(available: true, reason: "\(squashfuse) found, enroot uses native overlayfs")
        }
        guard let overlay = findExecutable("fuse-overlayfs") else {
            return .init(available: false, reason: "fuse-overlayfs is not installed")
        }
        return .init(available: true, reason: "\(squashfuse) and \(overlay) found")
    }

    /// `ENROOT_NATIVE_OVERLAYFS y` (or yes/true/1) in enroot.conf.
    static func nativeOverlayConfigured(_ path: String) -> Bool {
        guard let text = readSmallFile(path) else { return false }
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "ENROOT_NATIVE_OVERLAYFS" else { continue }
            return BooleanValue.parse(String(words[1])) == true
        }
        return false
    }

    /// A whole file of at most `limit` bytes (nil if missing or unreadable).
    static func readSmallFile(_ path: String, limit: Int = 1 << 20) -> String? {
        FileReading.contents(of: path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }
}
