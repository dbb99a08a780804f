// pyxis-doctor: checks that a node is ready for pyxis, one line per check with its fix.
// Run it on a node as root (checks for an unprivileged stand-in user, or --user NAME), or as a
// user for yourself. Exit status 0: no check failed (warnings allowed unless --strict); 1: a
// check failed; 64: bad usage.
import ArgumentParser
import PyxisDoctor
import PyxisSystem
#if canImport(Glibc)
import Glibc
#endif

@main
struct PyxisDoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pyxis-doctor",
        abstract: "Check that this node is ready for pyxis: Slurm, plugstack, runtime_path, enroot, user namespaces, FUSE, seccomp, hooks, image cache.",
        discussion: """
            Prints one line per check (ok, warn or FAIL) with what to do about it. Warnings are \
            things that work but slower or without a feature; they fail only with --strict. \
            See docs/install.md, "pyxis-doctor: is this node ready?".
            """)

    @Option(help: ArgumentHelp("Check for this user: their namespaces, /dev/fuse access and image cache (default: yourself; as root, the stand-in 'nobody').", valueName: "name"))
    var user: String?

    @Option(name: .customLong("slurm-conf"), help: ArgumentHelp("slurm.conf, for PlugStackConfig and PluginDir (default: $SLURM_CONF, else /etc/slurm/slurm.conf).", valueName: "path"))
    var slurmConf: String?

    @Option(help: ArgumentHelp("The plugstack file (default: slurm.conf's PlugStackConfig, else plugstack.conf beside slurm.conf).", valueName: "path"))
    var plugstack: String?

    @Option(name: .customLong("enroot-config-dir"), help: ArgumentHelp("enroot's configuration directory (default: the one its script names, usually /etc/enroot).", valueName: "dir"))
    var enrootConfigDir: String?

    @Option(help: ArgumentHelp("slurmstepd's PATH, where enroot, squashfuse and fuse-overlayfs are looked up.", valueName: "dirs"))
    var path: String = Executables.defaultPath

    @Option(help: ArgumentHelp("Read every file under this directory instead of / (for tests); the kernel checks stay this machine's.", valueName: "dir"))
    var root: String = "/"

    @Flag(help: "Exit 1 on warnings too.")
    var strict = false

    func validate() throws {
        for (option, value) in [("--slurm-conf", slurmConf), ("--plugstack", plugstack), ("--enroot-config-dir", enrootConfigDir), ("--root", root)] {
            if let value, !value.hasPrefix("/") {
                throw ValidationError("\(option): expected an absolute path, not '\(value)'")
            }
        }
    }

    func run() throws {
        let node = LiveNode(root: root)
        let settings = Doctor.Settings(
            slurmConf: slurmConf ?? getenv("SLURM_CONF").map { String(cString: $0) } ?? "/etc/slurm/slurm.conf",
            plugstack: plugstack, searchPath: path, enrootConfigDirectory: enrootConfigDir)
        let results = Doctor(node: node, settings: settings, user: try checkedUser()).run()
        for result in results { print(result.line) }
        print(results.summary)
        throw ExitCode(results.exitStatus(strict: strict))
    }

    /// `--user NAME`, else the caller, else (root) the unprivileged stand-in `nobody`.
    func checkedUser() throws -> DoctorUser {
        if let user {
            guard let found = UserLookup.named(user) else {
                throw ValidationError("--user: no user '\(user)' on this node (getpwnam)")
            }
            return found
        }
        if getuid() != 0, let me = UserLookup.uid(getuid()) { return me }
        guard var standIn = UserLookup.named("nobody") else {
            throw ValidationError("no user 'nobody' to stand in for users: give --user NAME")
        }
        standIn.isStandIn = true
        return standIn
    }
}
