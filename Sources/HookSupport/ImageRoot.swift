// The container's root file system (ENROOT_ROOTFS) as a root that paths resolve inside, the way
// the container will see them: an image whose /etc, /etc/apt or /home is a link resolves to
// the image's own directory, never to the host's. The hooks run as the user before pivot_root,
// so a link followed on the host would let an image make them write over the user's own files.
//
// Each path is resolved component by component from an open descriptor of the root: `.`
// skipped, `..` stopping at the root, every link read with readlinkat and its target walked
// again from the root (absolute) or from where it stands (relative), at most 40 links. The
// directory that holds the last component is opened (O_PATH) and the caller gets
// `/proc/self/fd/N/NAME`: the kernel takes the directory from the descriptor without looking
// at a name again, so the usual calls (open with O_NOFOLLOW, rename, unlink, symlink) act
// there. Messages name the directory as rootfs + its path in the image.
import Glibc

/// O_PATH, which Glibc's module leaves out (it is behind _GNU_SOURCE).
private let openPath: Int32 = 0o10000000

public final class ImageRoot {
    /// ENROOT_ROOTFS, as enroot gave it.
    public let path: String
    private let descriptor: Int32
    /// The directories opened so far, by their path in the image.
    private var directories: [String: Int32] = [:]
    /// "/proc/self/fd/N" of each directory opened, and how messages show it.
    nonisolated(unsafe) private static var shown: [(prefix: String, display: String)] = []

    public init(_ path: String) throws(HookFailure) {
        self.path = path
        descriptor = open(path, openPath | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw HookFailure("cannot open the container's root \(path): \(describe(errno))") }
        Self.shown.append((prefix: "/proc/self/fd/\(descriptor)/", display: path + "/"))
    }

    /// A host path for `inImage` with every directory on the way resolved inside the root; the
    /// last component is not followed, so writes there replace a link instead of going through it.
    public func entry(_ inImage: String) throws(HookFailure) -> String {
        try hostPath(try resolve(inImage, followLast: false), for: inImage)
    }

    /// The same with a link in the last component followed inside the root too: what the
    /// container would read or run at `inImage`.
    public func target(_ inImage: String) throws(HookFailure) -> String {
        try hostPath(try resolve(inImage, followLast: true), for: inImage)
    }

    /// `mkdir -p` inside the root, under the process umask: missing parents get `mode | u+wx`,
    /// the last directory `mode`. A directory, or a link to one inside the image, is fine; the
    /// links are followed inside the root.
    public func makeDirectories(_ inImage: String, mode: mode_t = 0o777) throws(HookFailure) {
        let components = inImage.split(separator: "/", omittingEmptySubsequences: true)
        var prefix = ""
        for (index, component) in components.enumerated() {
            prefix += "/" + component
            let existing = try target(prefix)
            if FileSystem.kind(existing) == .directory { continue }
            let last = index == components.count - 1
            if mkdir(try entry(prefix), last ? mode : mode | 0o300) != 0 {
                let error = errno
                guard error == EEXIST, FileSystem.kind(try target(prefix)) == .directory else {
                    throw HookFailure("cannot create directory \(path)\(prefix): \(describe(error))")
                }
            }
        }
    }

    /// `cp -Lpr SOURCE/. DESTINATION` inside the image: the contents of directory SOURCE into the
    /// existing DESTINATION, modes and times kept (DESTINATION given SOURCE's), links in the source
    /// followed inside the root; devices and sockets skipped.
    public func copyTree(_ source: String, into destination: String) throws(HookFailure) {
        let from = try target(source)
        guard let status = FileSystem.status(from) else { throw HookFailure("cannot stat \(path)\(source): \(describe(errno))") }
        for name in try FileSystem.entries(of: from) {
            let child = source + "/" + name, copy = destination + "/" + name
            let resolved = try target(child)
            switch FileSystem.kind(resolved) {
            case .directory:
                let made = try entry(copy)
                if FileSystem.kind(made, follow: false) != .directory, mkdir(made, 0o700) != 0 {
                    throw HookFailure("cannot create directory \(path)\(copy): \(describe(errno))")
                }
                try copyTree(child, into: copy)
            case .regular:
                try FileSystem.copyFile(resolved, to: try entry(copy), preserve: true)
            default:
                continue
            }
        }
        try FileSystem.preserveAttributes(of: status, on: try target(destination))
    }

    /// `message` with each `/proc/self/fd/N` of an image directory shown as its host path.
    public static func displayed(_ message: String) -> String {
        guard !shown.isEmpty else { return message }
        var text = Substring(message), result = ""
        while !text.isEmpty {
            if let match = shown.first(where: { text.hasPrefix($0.prefix) }) {
                result += match.display
                text = text.dropFirst(match.prefix.count)
            } else {
                result.append(text.removeFirst())
            }
        }
        return result
    }

    /// The components of `inImage` with every link resolved inside the root (the last one
    /// only when `followLast`).
    func resolve(_ inImage: String, followLast: Bool) throws(HookFailure) -> [String] {
        var resolved: [String] = []
        var pending = Array(inImage.split(separator: "/").reversed().map(String.init))
        var links = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let isLast = pending.allSatisfy { $0 == "." }
            if isLast && !followLast {
                resolved.append(component)
                break
            }
            guard let link = readLink(resolved + [component]) else {
                resolved.append(component)
                continue
            }
            links += 1
            guard links <= 40 else { throw HookFailure("cannot resolve \(path)\(inImage): \(describe(ELOOP))") }
            if link.hasPrefix("/") { resolved = [] }
            pending += link.split(separator: "/").reversed().map(String.init)
        }
        return resolved
    }

    /// The target of the link at `components` (relative to the root, whose directories are
    /// all resolved already), or nil when it is not a link (or not there).
    private func readLink(_ components: [String]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(descriptor, components.joined(separator: "/"), &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func hostPath(_ components: [String], for inImage: String) throws(HookFailure) -> String {
        let parent = components.dropLast().joined(separator: "/")
        let directory: Int32
        if let open = directories[parent] {
            directory = open
        } else {
            directory = parent.isEmpty ? descriptor : openat(descriptor, parent, openPath | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if directory < 0 && (errno == ENOENT || errno == ENOTDIR) {
                // A directory the image lacks: the path names it on the host through components
                // that are no links, so every call on it fails as it would in the image.
                return path + "/" + components.joined(separator: "/")
            }
            guard directory >= 0 else { throw HookFailure("cannot open \(path)/\(parent) (for \(inImage)): \(describe(errno))") }
            directories[parent] = directory
            Self.shown.append((prefix: "/proc/self/fd/\(directory)/", display: parent.isEmpty ? path + "/" : "\(path)/\(parent)/"))
        }
        return "/proc/self/fd/\(directory)/" + (components.last ?? ".")
    }
}
