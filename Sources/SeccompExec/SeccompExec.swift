// pyxis-seccomp-exec: installs the pyxis fake-success seccomp filter, then execs a command.
// Usage and exit codes: see ExecArguments.helpText.
import Glibc
import SeccompFilter

public enum SeccompExec {
    /// Runs the command line `arguments` (without the command's name): returns only when it
    /// does not exec, with the exit status.
    public static func main(arguments: [String]) -> Int32 {
        do throws(ExecArguments.UsageError) {
            switch try ExecArguments.parse(arguments) {
            case .help:
                writeAll(1, ExecArguments.helpText + "\n")
                return 0
            case .printFilter:
                do throws(SeccompError) {
                    writeAll(1, try FakeSuccessFilter().pseudoFilterCode())
                    return 0
                } catch {
                    printError("cannot build the seccomp filter: \(error)")
                    return 1
                }
            case .run(let options):
                return run(options)
            }
        } catch {
            printError(error.message)
            return 2
        }
    }
}

/// Writes one line to stderr (Swift 6 cannot name the C `stderr` global; fd 2 is enough).
private func printError(_ message: String) {
    writeAll(2, "pyxis-seccomp-exec: \(message)\n")
}

private func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return }
        bytes = bytes.dropFirst(n)
    }
}

private func monotonicMicroseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) * 1e6 + Double(now.tv_nsec) / 1e3
}

/// Installs the filter and execs the command; returns only on failure, with the exit status.
private func run(_ options: ExecArguments.Run) -> Int32 {
    let start = monotonicMicroseconds()
    let installation: FakeSuccessFilter.Installation
    let built: Double
    let architectures: [Architecture]
    do throws(SeccompError) {
        let filter = try FakeSuccessFilter()
        architectures = filter.architectures
        built = monotonicMicroseconds()
        installation = try filter.install(setNoNewPrivs: options.noNewPrivs)
    } catch {
        printError("cannot install the seccomp filter: \(error)")
        return 1
    }
    if options.verbose {
        let end = monotonicMicroseconds()
        let names = architectures.map(\.name).joined(separator: ",")
        let flags = [installation.noNewPrivs ? "no_new_privs" : "new privileges allowed",
                     installation.specAllow ? "SPEC_ALLOW" : "without SPEC_ALLOW"]
        printError("filter for \(names) built in \(Int(built - start)) us, installed in \(Int(end - built)) us (\(flags.joined(separator: ", ")))")
    }
    // execvp wants NUL-terminated C strings; they live until exec replaces the process.
    var argv: [UnsafeMutablePointer<CChar>?] = options.command.map { strdup($0) }
    argv.append(nil)
    execvp(options.command[0], &argv)
    let error = errno
    printError("cannot execute '\(options.command[0])': \(String(cString: strerror(error)))")
    return 127
}
