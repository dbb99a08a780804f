import PyxisCore
import PyxisSystem
import SeccompFilter

/// `StepNode` on the real node, through PyxisSystem's wrappers.
public final class PosixStepNode: StepNode {
    let commands: UserCommands

    public init(commands: UserCommands) {
        self.commands = commands
    }

    public func enrootSite(at path: String) -> EnrootSite {
        EnrootSite.read(enroot: path, probe: self)
    }

    /// `SquashfuseSupport.judge` on this node's facts.
    public func squashfuseSupport(nativeOverlay: Bool) -> ContainerPlan.SquashfuseSupport {
        ContainerPlan.SquashfuseSupport.judge(
            device: Executables.canReadAndWrite("/dev/fuse") ? nil : .init("/dev/fuse is not usable", fix: "chmod 0666 /dev/fuse"),
            squashfuse: Executables.find("squashfuse") ?? Executables.find("squashfuse_ll"),
            fuseOverlayfs: nativeOverlay ? nil : Executables.find("fuse-overlayfs"),
            nativeOverlay: nativeOverlay).support
    }

    public func checkWritable(directory: String) throws(SystemError) {
        try Executables.canWriteInto(directory)
    }

    public func lockName(_ path: String, timeout: Double, onWait: () -> Void) throws(NameLock.Failure) -> AnyObject {
        try NameLock.acquire(path, timeout: timeout, onWait: onWait)
    }

    public func writeFile(_ path: String, _ text: String) throws(SystemError) {
        try RuntimeDirectory.writeNewFile(path, text)
    }

    public func removeFile(_ name: String, in directory: String) {
        RuntimeDirectory.remove(name, in: directory)
    }

    public func openContainer(pid: Int32) throws(ContainerProcess.Failure) -> JoinableContainer {
        try ContainerProcess(pid: pid)
    }

    public func changeDirectory(_ path: String) throws(SystemError) {
        try FileSystem.changeDirectory(path)
    }

    public func installSeccompFilter() throws(LifecycleError) {
        do {
            _ = try FakeSuccessFilter.install(setNoNewPrivs: false)
        } catch {
            throw LifecycleError("seccomp filter failed: \(error.description)")
        }
    }

    public func resume(pid: Int32) throws(SystemError) {
        try ProcessLiveness.resume(pid)
    }

    public func end(pid: Int32) {
        ProcessLiveness.end(pid)
    }

    public func moveAsUser(_ from: String, to: String) throws(CommandFailure) {
        guard let mv = Executables.find("mv") else { throw CommandFailure(ending: "mv not found in \(Executables.searchPath)") }
        try commands.run("rename", mv, ["-f", "-T", "--", from, to])
    }

    public func removeAsUser(_ path: String) {
        guard let rm = Executables.find("rm") else { return }
        _ = try? commands.run("cleanup", rm, ["-f", "--", path])
    }
}

extension ContainerProcess: JoinableContainer {}

extension PosixStepNode {
    public func userName(uid: UInt32) -> String? { PasswdEntry(uid: uid)?.name }
    public func loginShell(uid: UInt32) -> String? { PasswdEntry(uid: uid)?.shell }

    public func hookFiles(in directory: String) -> [String] {
        let names = Executables.directoryEntries(directory).filter { $0.hasSuffix(".sh") }.sorted()
        return names.map { directory + "/" + $0 }.filter { Executables.isExecutable($0) }
    }
}

extension StepTools {
    /// The real enroot (found in slurmstepd's `PATH`), importer and node, running commands as
    /// the job's user with the enroot environment of docs/design.md ("Running enroot").
    public static func onThisNode(_ context: StepContext, version: String) throws(LifecycleError) -> StepTools {
        guard let enroot = Executables.find("enroot") else {
            throw LifecycleError("couldn't execute enroot command: enroot is not installed on this node (not found in \(Executables.searchPath))")
        }
        let step = context.step
        let commands = UserCommands(environment: {
                                        EnrootEnvironment.build(
                                            path: Executables.searchPath, job: context.host.jobEnvironmentList(),
                                            additions: EnrootEnvironment.switches(for: context.options)
                                                + EnrootEnvironment.pyxisVariables(uid: step.uid, gid: step.gid,
                                                                                   runtimePath: context.config.runtimePath, version: version))
                                    },
                                    identity: ProcessIdentity(uid: step.uid, gid: step.gid, groups: step.groups),
                                    host: context.host)
        return StepTools(enroot: EnrootCommandLine(path: enroot, commands: commands),
                         importer: context.config.importer.map { ImporterCommand(path: $0, commands: commands) },
                         node: PosixStepNode(commands: commands),
                         imageCache: context.config.imageCacheCommand.map { ImageCacheCommand(path: $0, commands: commands) })
    }
}

/// The node's files as `EnrootSite` reads them.
extension PosixStepNode: EnrootProbe {
    public func readText(_ path: String) -> String? { Executables.readText(path) }
    public func entries(of directory: String) -> [String] { Executables.directoryEntries(directory) }
}
