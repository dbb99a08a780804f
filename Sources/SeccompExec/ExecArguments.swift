/// The command line of `pyxis-seccomp-exec`.
///
/// Accepted forms (options end at `--` or at the first word not starting with `-`):
///
///     pyxis-seccomp-exec [--no-new-privs | --allow-new-privs] [--verbose] [--] CMD [ARGS...]
///     pyxis-seccomp-exec --print-filter
///     pyxis-seccomp-exec --help
///
/// Valid: `-- id -u`, `--verbose apt-get install -y vim`, `--allow-new-privs -- /bin/sh -c 'x'`,
/// `-- --weird-name` (runs `--weird-name`). Invalid: no command, `--bogus`, `-v` (no short
/// options), `--no-new-privs --allow-new-privs`, `--print-filter ls`.
///
/// Hand-written rather than swift-argument-parser: the grammar is three flags, everything after
/// the command must pass through untouched, and argument-parser would pull Foundation into a
/// command that should start as fast as `/bin/true`.
enum ExecArguments: Equatable {
    struct Run: Equatable {
        /// Set `no_new_privs` (default), which is what lets an unprivileged user install it.
        var noNewPrivs = true
        /// Report to stderr how long building and installing took.
        var verbose = false
        /// The program and its arguments, passed to `execvp`.
        var command: [String] = []
    }

    case run(Run)
    case printFilter
    case help

    struct UsageError: Error, Equatable {
        let message: String
    }

    static let usage = "usage: pyxis-seccomp-exec [--no-new-privs | --allow-new-privs] [--verbose] [--] CMD [ARGS...]"

    static let helpText = """
        \(usage)
               pyxis-seccomp-exec --print-filter

        Runs CMD with the pyxis seccomp filter installed: chown, lchown, fchown, fchownat,
        setuid, setgid, setreuid, setregid, setresuid, setresgid, setgroups (and their 32-bit
        *32 forms), and setfsuid/setfsgid other than the -1 query return 0 without doing
        anything, for the native and compat (32-bit) ABIs. Everything else is unchanged.

          --no-new-privs     set no_new_privs first (default; works for any user, but
                             setuid programs no longer gain privileges)
          --allow-new-privs  do not set no_new_privs; needs CAP_SYS_ADMIN in the current
                             user namespace (root, or inside `unshare -r`)
          --verbose          print the time taken to build and install the filter
          --print-filter     print the filter as libseccomp pseudo code and exit
          --help             print this help and exit

        Exit status: CMD's; 1 if the filter cannot be installed; 2 on a usage error;
        127 if CMD cannot be executed.
        """

    /// Parses the arguments after the program name.
    static func parse(_ arguments: [String]) throws(UsageError) -> ExecArguments {
        var run = Run()
        var sawNoNewPrivs = false
        var sawAllowNewPrivs = false
        var printFilter = false
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" {
                index += 1
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else { break }
            switch argument {
            case "--no-new-privs": sawNoNewPrivs = true
            case "--allow-new-privs": sawAllowNewPrivs = true
            case "--verbose": run.verbose = true
            case "--print-filter": printFilter = true
            case "--help", "-h": return .help
            default: throw UsageError(message: "unknown option '\(argument)'; \(usage)")
            }
            index += 1
        }
        if sawNoNewPrivs && sawAllowNewPrivs {
            throw UsageError(message: "--no-new-privs and --allow-new-privs conflict; give one")
        }
        run.noNewPrivs = !sawAllowNewPrivs
        run.command = Array(arguments[index...])
        if printFilter {
            guard run.command.isEmpty else {
                throw UsageError(message: "--print-filter takes no command, got '\(run.command[0])'")
            }
            return .printFilter
        }
        guard !run.command.isEmpty else {
            throw UsageError(message: "missing command; \(usage)")
        }
        return .run(run)
    }
}
