import Glibc
import Testing

/// Runs a built hook executable the way enroot does: a fresh environment, `ENROOT_ENVIRON` and
/// `ENROOT_MOUNTS` files in a scratch directory with an `ENROOT_ROOTFS` beside them.
struct HookRunner {
    struct Result {
        var status: Int32
        var stderr: String
        /// Lines appended to each file (the initial content removed).
        var environ: String
        var mounts: String
    }

    /// The build products directory: pyxis-tools is built next to the test bundle (under both
    /// `swift test` and `swift test --scratch-path X`); `PYXIS_HOOKS_BIN` overrides it.
    static let productsDirectory: String = {
        if let override = getenv("PYXIS_HOOKS_BIN") { return String(cString: override) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The runner is PRODUCTS/<package>PackageTests.xctest (Linux) or inside it.
        var directory = path
        while let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
            if access(directory + "/pyxis-tools", X_OK) == 0 { return directory }
            if directory.isEmpty { break }
        }
        return "."
    }()

    /// The executable every hook runs as; which hook it is, it takes from the name it is run under.
    static var tools: String { "\(productsDirectory)/pyxis-tools" }

    let directory: String

    init() throws {
        var template = Array("/tmp/pyxis-hooks-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RunnerError("mkdtemp failed") }
        directory = String(cString: made)
        mkdir(directory + "/rootfs", 0o755)
    }

    var environPath: String { directory + "/environ" }
    var mountsPath: String { directory + "/mounts" }

    /// Runs `hook` with `variables` plus the enroot ones (unless `enroot` is false), after writing
    /// `environ` and `mounts` as the files' initial content. It runs under the name enroot's
    /// drop-in would give it when `runAs` names one (`/etc/enroot/hooks.d/10-home.sh`), else as
    /// `pyxis-hook-HOOK`.
    func run(
        _ hook: String,
        _ variables: [(String, String)],
        environ: String = "",
        mounts: String = "",
        enroot: Bool = true,
        runAs: String? = nil
    ) throws -> Result {
        try write(environPath, environ)
        try write(mountsPath, mounts)
        var environment = variables.map { "\($0.0)=\($0.1)" }
        if enroot {
            environment += ["ENROOT_ENVIRON=\(environPath)", "ENROOT_MOUNTS=\(mountsPath)",
                            "ENROOT_ROOTFS=\(directory)/rootfs", "ENROOT_PID=1"]
        }
        let stderrPath = directory + "/stderr"
        let status = try spawn(Self.tools, name: runAs ?? "pyxis-hook-\(hook)", environment: environment, stderr: stderrPath)
        return Result(
            status: status,
            stderr: try read(stderrPath),
            environ: String(try read(environPath).dropFirst(environ.count)),
            mounts: String(try read(mountsPath).dropFirst(mounts.count)))
    }

    func cleanUp() {
        for name in ["environ", "mounts", "stderr", "hooks.conf"] { unlink(directory + "/" + name) }
        rmdir(directory + "/rootfs")
        rmdir(directory)
    }

    func write(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunnerError("cannot create \(path)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw RunnerError("cannot write \(path)")
        }
    }

    func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RunnerError("cannot open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// posix_spawn of `path` with `name` as argv[0], stdin from /dev/null and stderr into a file;
    /// returns the exit status.
    func spawn(_ path: String, name: String, environment: [String], stderr: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(name), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let error = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard error == 0 else { throw RunnerError("posix_spawn \(path): \(String(cString: strerror(error)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        guard status & 0x7f == 0 else { throw RunnerError("\(path) died from signal \(status & 0x7f)") }
        return (status >> 8) & 0xff
    }
}

struct RunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
