// What every hook executable shares: the process environment, reading and appending enroot's
// files with plain syscalls, the site configuration, and one-line failures.
// Glibc only (no Foundation): hooks run at every container start, so start-up time is the cost.
import EnvRemap
import Glibc

/// A failure the hook reports as one line, `pyxis-hook-NAME: message`, before exiting 1.
public struct HookFailure: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The running hook: its name, its environment, and access to enroot's files.
public struct Hook {
    public let name: String
    private let environment: LazyEnvironment

    /// The environment enroot started the hook with (Slurm's variables live here), built on
    /// first use.
    public var process: Environment { environment.value }

    public init(name: String, process: Environment? = nil) {
        self.name = name
        environment = LazyEnvironment(process)
    }

    /// One variable of the hook's environment. Read with getenv(3) unless the whole environment
    /// was given: the standard hooks read a handful of variables and need not pay for a
    /// dictionary of all of them (≈ 0.1 ms of runtime metadata set-up per start).
    public subscript(variable name: String) -> String? {
        if let given = environment.given { return given[name] }
        return getenv(name).map { String(cString: $0) }
    }

    /// Runs `body` and exits: 0 on success, 1 with one line on stderr on failure.
    public static func main(_ name: String, _ body: (Hook) throws(HookFailure) -> Void) -> Never {
        let hook = Hook(name: name)
        do {
            try body(hook)
            exit(0)
        } catch {
            writeAll(2, "pyxis-hook-\(name): \(error.message)\n")
            exit(1)
        }
    }

    /// The site configuration: `$PYXIS_HOOKS_CONFIG` when set (empty: none), else
    /// `/etc/pyxis/hooks.conf` when it exists, else the defaults.
    public func config() throws(HookFailure) -> SiteConfig {
        let path: String
        if let override = self[variable: SiteConfig.pathVariable] {
            if override.isEmpty { return SiteConfig() }
            path = override
        } else {
            path = SiteConfig.defaultPath
        }
        let explicit = self[variable: SiteConfig.pathVariable] != nil
        guard let bytes = try Files.read(path, what: "configuration file", missingOK: !explicit) else {
            return SiteConfig()
        }
        do {
            return try SiteConfig.parse(String(decoding: bytes, as: UTF8.self), file: path)
        } catch {
            throw HookFailure("invalid configuration: \(error)")
        }
    }

    /// The container's root file system as the hooks see it (`ENROOT_ROOTFS`).
    public func rootfs() throws(HookFailure) -> String { try enrootFile("ENROOT_ROOTFS") }

    /// The path in `variable` (`ENROOT_ENVIRON`, `ENROOT_MOUNTS`), which enroot always sets.
    public func enrootFile(_ variable: String) throws(HookFailure) -> String {
        guard let path = self[variable: variable], !path.isEmpty else {
            throw HookFailure("\(variable) is not set; hooks are run by enroot start")
        }
        return path
    }

    /// The container's environment as enroot will build it (docs/design.md, "The enroot contract").
    public func containerEnvironment() throws(HookFailure) -> Environment {
        let path = try enrootFile("ENROOT_ENVIRON")
        let bytes = try Files.read(path, what: "ENROOT_ENVIRON", missingOK: false) ?? []
        return EnvironmentFile.parse(bytes)
    }

    /// Appends the plan: every line is rendered (and refused if malformed) before anything is
    /// written, so a bad value never leaves half a plan behind.
    public func write(_ plan: HookPlan) throws(HookFailure) {
        var environText = ""
        var mountsText = ""
        do {
            for variable in plan.variables { environText += try EnvironmentFile.line(for: variable) }
            for mount in plan.mounts { mountsText += try mount.line() }
        } catch {
            throw HookFailure(error.description)
        }
        if !mountsText.isEmpty {
            try Files.append(mountsText, to: try enrootFile("ENROOT_MOUNTS"), what: "ENROOT_MOUNTS")
        }
        if !environText.isEmpty {
            try Files.append(environText, to: try enrootFile("ENROOT_ENVIRON"), what: "ENROOT_ENVIRON")
        }
    }
}

/// The process environment, parsed once when first asked for.
final class LazyEnvironment {
    let given: Environment?
    lazy var value: Environment = given ?? ProcessEnvironment.current()
    init(_ given: Environment?) { self.given = given }
}

public enum ProcessEnvironment {
    /// The process environment from `environ`, first occurrence of a name winning.
    ///
    /// Added one by one rather than through `[(String, String)]`: the runtime builds the
    /// metadata of a tuple array by demangling its name, about 0.2 ms of every hook's start.
    public static func current() -> Environment {
        var environment = Environment()
        // `environ` is NULL after clearenv(3); the optional binding keeps that from trapping.
        let start: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var cursor = start else { return environment }
        while let entry = cursor.pointee {
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let text = UnsafeBufferPointer(start: bytes, count: length)
                if let equals = text.firstIndex(of: UInt8(ascii: "=")) {
                    environment.add(
                        String(decoding: UnsafeBufferPointer(rebasing: text[..<equals]), as: UTF8.self),
                        String(decoding: UnsafeBufferPointer(rebasing: text[(equals + 1)...]), as: UTF8.self))
                }
            }
            cursor += 1
        }
        return environment
    }
}

/// File access through read(2)/write(2) on plain descriptors, EINTR retried here only.
public enum Files {
    /// The whole file, or nil when it does not exist and `missingOK`.
    public static func read(_ path: String, what: String, missingOK: Bool) throws(HookFailure) -> [UInt8]? {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            let error = errno
            if error == ENOENT && missingOK { return nil }
            throw HookFailure("cannot open \(what) \(path): \(describe(error))")
        }
        defer { close(fd) }
        var status = stat()
        let size = fstat(fd, &status) == 0 ? max(Int(status.st_size), 0) : 0
        // /proc and /sys files report size 0, and sysctl files return nothing to a read that
        // does not start at offset 0: read those in one go.
        var buffer = [UInt8](repeating: 0, count: size == 0 ? 4096 : size + 1)
        var used = 0
        while true {
            if used == buffer.count { buffer += [UInt8](repeating: 0, count: max(buffer.count, 4096)) }
            let count = buffer.withUnsafeMutableBytes { raw in
                retrying { Glibc.read(fd, raw.baseAddress.map { $0 + used }, raw.count - used) }
            }
            if count < 0 { throw HookFailure("cannot read \(what) \(path): \(describe(errno))") }
            if count == 0 { break }
            used += count
        }
        buffer.removeLast(buffer.count - used)
        return buffer
    }

    /// Appends `text` with O_APPEND in one write when possible. A file whose last line lacks its
    /// newline gets one first, so the new line never glues onto it.
    public static func append(_ text: String, to path: String, what: String) throws(HookFailure) {
        var fd = retrying { open(path, O_RDWR | O_APPEND | O_CLOEXEC) }
        var canPeek = true
        if fd < 0 && errno == EACCES {
            fd = retrying { open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }
            canPeek = false
        }
        if fd < 0 { throw HookFailure("cannot open \(what) \(path): \(describe(errno))") }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var status = stat()
        if canPeek, fstat(fd, &status) == 0, status.st_size > 0 {
            var last: UInt8 = 0
            if retrying({ pread(fd, &last, 1, status.st_size - 1) }) == 1, last != UInt8(ascii: "\n") {
                bytes.insert(UInt8(ascii: "\n"), at: 0)
            }
        }
        guard writeAll(fd, bytes) else { throw HookFailure("cannot write \(what) \(path): \(describe(errno))") }
    }
}

/// Writes all of `bytes`; false on error (errno set).
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { raw in
            retrying { write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset) }
        }
        if count <= 0 { return false }
        offset += count
    }
    return true
}

@discardableResult
public func writeAll(_ fd: Int32, _ text: String) -> Bool { writeAll(fd, Array(text.utf8)) }

func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}

func describe(_ error: Int32) -> String {
    guard let message = strerror(error) else { return "errno \(error)" }
    return String(cString: message)
}

/// The user's home: `$HOME`, else the passwd entry of `$USER`/`$LOGNAME`, of `$SLURM_JOB_UID`,
/// then of the real uid (which is 0 under a remapped root, hence last).
///
/// The hooks are built as fully static executables (no dynamic loader: start-up at the floor),
/// where glibc's in-process NSS would need the build machine's libnss at run time. So passwd is
/// read directly from /etc/passwd, and only for users not found there (LDAP, SSSD) is
/// `getent passwd` asked, which uses the node's own NSS configuration.
public func userHome(_ process: Environment) -> String? {
    if let home = process["HOME"], !home.isEmpty { return home }
    var keys: [String] = []
    for name in ["USER", "LOGNAME"] {
        if let user = process[name], !user.isEmpty, isPasswdKey(user) { keys.append(user) }
    }
    if let uid = process["SLURM_JOB_UID"], !uid.isEmpty, uid.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
        keys.append(uid)
    }
    keys.append(String(getuid()))
    let passwd = (try? Files.read("/etc/passwd", what: "passwd", missingOK: true)) ?? nil
    for key in keys {
        if let passwd, let home = PasswdFile.home(of: key, in: passwd) { return home }
    }
    for key in keys {
        if let line = getentPasswd(key), let home = PasswdFile.home(of: key, in: Array(line.utf8)) { return home }
    }
    return nil
}

/// A user name or uid that is safe to look up (no separators, no option-like leading dash).
func isPasswdKey(_ key: String) -> Bool {
    !key.hasPrefix("-") && !key.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 < 33 })
}

enum PasswdFile {
    /// The home (field 6) of the entry whose name (field 1) or uid (field 3) is `key`.
    static func home(of key: String, in bytes: [UInt8]) -> String? {
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard fields.count >= 7 else { continue }
            let name = String(decoding: fields[0], as: UTF8.self)
            let uid = String(decoding: fields[2], as: UTF8.self)
            guard name == key || uid == key else { continue }
            let home = String(decoding: fields[5], as: UTF8.self)
            return home.isEmpty ? nil : home
        }
        return nil
    }
}

/// `getent passwd KEY`, or nil.
func getentPasswd(_ key: String) -> String? { getent("passwd", key) }

/// `getent DATABASE KEY` (the node's own NSS configuration), or nil when it finds nothing.
public func getent(_ database: String, _ key: String) -> String? {
    guard let result = Subprocess.run(["getent", database, key], environment: ["PATH=/usr/bin:/bin:/usr/sbin:/sbin"], captureOutput: true),
          result.status == 0 else { return nil }
    return String(decoding: result.output, as: UTF8.self)
}
