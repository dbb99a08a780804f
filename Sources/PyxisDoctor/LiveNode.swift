#if canImport(Glibc)
import Glibc
#endif
import CDoctor
import PyxisSystem

/// The node itself: files through libc, commands through `ProcessRunner`, the user trial and
/// the seccomp probe through CDoctor. With `root` other than `/`, every file path (and the
/// FUSE device the trial opens) is read under that directory, so tests can break a check in a
/// tree of their own; the kernel facts (namespaces, seccomp) stay the machine's.
public struct LiveNode: NodeProbe {
    public let root: String

    public init(root: String = "/") {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The path on this machine of the node's `path`.
    func local(_ path: String) -> String {
        root == "/" ? path : root + path
    }

    public func readText(_ path: String) -> String? {
        Executables.readText(local(path))
    }

    public func readBytes(_ path: String) -> [UInt8]? {
        FileReading.contents(of: local(path))
    }

    public func info(_ path: String) -> FileInfo? {
        var status = stat()
        guard lstat(local(path), &status) == 0 else { return nil }
        let kind: FileInfo.Kind
        switch status.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regular
        case S_IFLNK: kind = .symlink
        case S_IFCHR: kind = .characterDevice
        default: kind = .other
        }
        return FileInfo(kind, uid: status.st_uid, gid: status.st_gid, mode: status.st_mode & 0o7777)
    }

    public func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(local(path), &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func entries(of directory: String) -> [String] {
        Executables.directoryEntries(local(directory)).sorted()
    }

    public func matches(_ pattern: String) -> [String] {
        var found = glob_t()
        defer { globfree(&found) }
        guard glob(local(pattern), 0, nil, &found) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(found.gl_pathc) {
            guard let path = found.gl_pathv[index] else { continue }
            paths.append(String(String(cString: path).dropFirst(root == "/" ? 0 : root.count)))
        }
        return paths.sorted()
    }

    public func run(_ path: String, _ arguments: [String]) -> String? {
        let result = try? ProcessRunner.run(local(path), arguments: arguments, environment: ["PATH=\(Executables.defaultPath)"],
                                            identity: .inherited, captureOutput: true)
        return result.map { $0.output + $0.log }
    }

    /// How long the trial child, which runs as the user, may take to report.
    static let trialTimeoutMilliseconds: Int32 = 10_000

    public func trial(as user: DoctorUser, fuseDevice: String) -> UserTrial {
        var report = cdoctor_trial()
        let status = user.groups.withUnsafeBufferPointer { groups in
            cdoctor_try_as_user(user.uid, user.gid, groups.baseAddress, groups.count, local(fuseDevice), Self.trialTimeoutMilliseconds, &report)
        }
        guard status == 0 else {
            let why = errno == ETIMEDOUT ? "no report within \(Self.trialTimeoutMilliseconds / 1000) s (stopped?); killed it" : describeErrno(errno)
            return UserTrial(unavailable: "the trial as uid \(user.uid): \(why)")
        }
        if report.identity_errno != 0 {
            return UserTrial(unavailable: "cannot become uid \(user.uid): \(describeErrno(report.identity_errno))")
        }
        return UserTrial(fuseErrno: report.fuse_errno == 0 ? nil : report.fuse_errno,
                         failedStep: UserTrial.NamespaceStep(rawValue: Int(report.userns_step)),
                         namespaceErrno: report.userns_errno == 0 ? nil : report.userns_errno)
    }

    public func seccompProbeErrno() -> Int32 {
        cdoctor_seccomp_filter_errno()
    }
}
