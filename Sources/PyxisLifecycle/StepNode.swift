import PyxisCore
import PyxisSystem

/// What the lifecycle reads and does on the node besides running enroot, in three parts by
/// what callers need, so that a stand-in replaces only the part it changes (the dry run passes
/// the facts through untouched). `PosixStepNode` is all three for real; tests use a fake.
public typealias StepNode = NodeFacts & NodeFiles & ContainerProcesses

/// What the node is: read, never changed.
public protocol NodeFacts: AnyObject {
    /// The node's enroot, its script at `path` (read once per step, by `InstalledEnroot`).
    func enrootSite(at path: String) -> EnrootSite
    /// Whether `enroot start FILE` can mount a squashfs file here.
    func squashfuseSupport(nativeOverlay: Bool) -> ContainerPlan.SquashfuseSupport
    /// Throws when the user cannot create files in `directory` (`--container-save`'s target).
    func checkWritable(directory: String) throws(SystemError)
    /// The user's name in the passwd database (for the image cache's `%u`).
    func userName(uid: UInt32) -> String?
    /// The user's login shell in the passwd database (nil: no entry).
    func loginShell(uid: UInt32) -> String?
    /// The hooks enroot would run from `directory`: its executable `*.sh` files, in name order.
    func hookFiles(in directory: String) -> [String]
}

/// Files the lifecycle makes and removes: in the user's runtime directory (as root, never
/// through a symlink), the per-name lock, and the user's own files (as the user).
public protocol NodeFiles: AnyObject {
    /// Takes the lock of a named container's set-up; released when the returned object goes.
    func lockName(_ path: String, timeout: Double, onWait: () -> Void) throws(NameLock.Failure) -> AnyObject
    /// A new file (0600, never through a symlink).
    func writeFile(_ path: String, _ text: String) throws(SystemError)
    /// Removes `name` from `directory` without following symlinks.
    func removeFile(_ name: String, in directory: String)
    /// `mv -f -T FROM TO` as the user (the saved squashfs into place), and `rm -f PATH`.
    func moveAsUser(_ from: String, to: String) throws(CommandFailure)
    func removeAsUser(_ path: String)
}

/// The container process and the task joining it: namespaces, working directory, the seccomp
/// filter, and the process's life.
public protocol ContainerProcesses: AnyObject {
    /// Handles on the container process's namespaces, working directory and environment.
    func openContainer(pid: Int32) throws(ContainerProcess.Failure) -> JoinableContainer
    /// `chdir` (for `--container-workdir`, inside the container).
    func changeDirectory(_ path: String) throws(SystemError)
    /// The fake-success seccomp filter (unprivileged tasks).
    func installSeccompFilter() throws(LifecycleError)
    /// SIGCONT to the stopped container process.
    func resume(pid: Int32) throws(SystemError)
    /// Lets the container process exit, and makes sure it does.
    func end(pid: Int32)
}

/// A task's handles on the container process (`ContainerProcess`).
public protocol JoinableContainer: AnyObject {
    var environment: [(String, String)] { get }
    /// Namespace kinds enroot did not make new (the caller's own).
    func sharedKinds() -> Set<String>
    func join(skipping: Set<String>) throws(ContainerProcess.Failure)
    func enterWorkingDirectory() throws(SystemError)
}
