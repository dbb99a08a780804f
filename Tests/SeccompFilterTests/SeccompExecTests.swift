import Foundation
import Testing

/// `pyxis-tools` in the build directory of this test binary, run as `pyxis-tools
/// pyxis-seccomp-exec ARGUMENTS...`.
private let seccompExec: URL? = {
    guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
    // On Linux the test binary is `<bin>/swift-pyxisPackageTests.xctest`; be lenient about bundles.
    for _ in 0..<3 {
        let candidate = directory.appendingPathComponent("pyxis-tools")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return nil
}()

/// The real filter on the real kernel, through the built `pyxis-seccomp-exec` (installing it in
/// the test runner would filter the runner itself). The thorough per-syscall, per-ABI checks as
/// an unprivileged user live in Tests/Integration/seccomp/run.sh.
@Suite(.enabled(if: seccompExec != nil, "pyxis-tools is not built next to the tests"))
struct SeccompExecTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String]) throws -> Result {
        guard let executable = seccompExec else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["pyxis-seccomp-exec"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func temporaryFile() throws -> String {
        let path = NSTemporaryDirectory() + "pyxis-seccomp-test-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        return path
    }

    @Test func chownReturnsZeroAndLeavesOwnershipUnchanged() throws {
        let file = try temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let before = try FileManager.default.attributesOfItem(atPath: file)
        let result = try run(["--", "/bin/sh", "-c", "chown 4242:4243 \"$1\" && stat -c %u:%g \"$1\"", "sh", file])
        #expect(result.status == 0, "\(result.stderr)")
        let owner = "\(before[.ownerAccountID] ?? "?"):\(before[.groupOwnerAccountID] ?? "?")"
        #expect(result.stdout == owner + "\n")
    }

    @Test func identityChangesReturnZeroAndLeaveIDsUnchanged() throws {
        // setpriv calls setresuid/setresgid/setgroups and then execs `id`.
        let result = try run(["--", "setpriv", "--reuid=4242", "--regid=4243", "--clear-groups", "id", "-u"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(getuid())\n")
    }

    @Test func noNewPrivsIsSetByDefault() throws {
        let result = try run(["--", "grep", "^NoNewPrivs:", "/proc/self/status"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("1\n"))
    }

    @Test(.enabled(if: geteuid() == 0, "needs CAP_SYS_ADMIN"))
    func allowNewPrivsLeavesNoNewPrivsUnset() throws {
        let result = try run(["--allow-new-privs", "--verbose", "--", "grep", "^NoNewPrivs:", "/proc/self/status"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("0\n"))
        #expect(result.stderr.contains("new privileges allowed"))
    }

    @Test func usageErrorsExitTwoWithOneLine() throws {
        for arguments in [[], ["--bogus", "ls"], ["--verbose"]] {
            let result = try run(arguments)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("pyxis-seccomp-exec: "))
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        }
    }

    @Test func execFailureExits127NamingTheCommand() throws {
        let result = try run(["--", "/nonexistent/pyxis-command", "arg"])
        #expect(result.status == 127)
        #expect(result.stderr == "pyxis-seccomp-exec: cannot execute '/nonexistent/pyxis-command': No such file or directory\n")
    }

    @Test func commandExitStatusPassesThrough() throws {
        #expect(try run(["--", "sh", "-c", "exit 7"]).status == 7)
    }
}
