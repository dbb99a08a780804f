// What every hook shares: the running hook, its environment, the site
// configuration, and one-line failures (files: Files.swift, FileSystem.swift; processes: Subprocess.swift).
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
            writeAll(2, "pyxis-hook-\(name): \(ImageRoot.displayed(error.message))\n")
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

    /// The same as a root that the image's paths resolve inside (ImageRoot.swift): every
    /// hook that writes into the image goes through it.
    public func imageRoot() throws(HookFailure) -> ImageRoot { try ImageRoot(try rootfs()) }

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
