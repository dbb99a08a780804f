@testable import SeccompExec
import Testing

/// The `pyxis-seccomp-exec` command line (see ExecArguments for the grammar).
struct ExecArgumentsTests {
    typealias Run = ExecArguments.Run

    @Test(arguments: [
        (["--", "id", "-u"], Run(noNewPrivs: true, verbose: false, command: ["id", "-u"])),
        (["id", "-u"], Run(command: ["id", "-u"])),
        (["--verbose", "apt-get", "install", "-y", "vim"], Run(verbose: true, command: ["apt-get", "install", "-y", "vim"])),
        (["--allow-new-privs", "--", "/bin/sh", "-c", "x"], Run(noNewPrivs: false, command: ["/bin/sh", "-c", "x"])),
        (["--no-new-privs", "true"], Run(command: ["true"])),
        (["--", "--weird-name", "--verbose"], Run(command: ["--weird-name", "--verbose"])),
        (["ls", "--", "-l"], Run(command: ["ls", "--", "-l"])),
        (["-"], Run(command: ["-"])),
    ])
    func valid(arguments: [String], expected: Run) throws {
        #expect(try ExecArguments.parse(arguments) == .run(expected))
    }

    @Test func printFilterAndHelp() throws {
        #expect(try ExecArguments.parse(["--print-filter"]) == .printFilter)
        #expect(try ExecArguments.parse(["--help"]) == .help)
        #expect(try ExecArguments.parse(["-h", "ls"]) == .help)
    }

    @Test(arguments: [
        ([], "missing command; usage: pyxis-seccomp-exec"),
        (["--"], "missing command; usage: pyxis-seccomp-exec"),
        (["--verbose"], "missing command; usage: pyxis-seccomp-exec"),
        (["--bogus", "ls"], "unknown option '--bogus'; usage: pyxis-seccomp-exec"),
        (["-v", "ls"], "unknown option '-v'; usage: pyxis-seccomp-exec"),
        (["--no-new-privs", "--allow-new-privs", "ls"], "--no-new-privs and --allow-new-privs conflict; give one"),
        (["--print-filter", "ls"], "--print-filter takes no command, got 'ls'"),
    ])
    func invalid(arguments: [String], messagePrefix: String) {
        do {
            let parsed = try ExecArguments.parse(arguments)
            Issue.record("accepted \(arguments) as \(parsed)")
        } catch {
            #expect(error.message.hasPrefix(messagePrefix), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }
}
