import CSystem
import EnvRemap
import Glibc
import PyxisCore
import PyxisSystem
import SeccompFilter

/// The container lifecycle of one step in slurmstepd (SPEC §4): created in post_opt once the
/// options are resolved and active, then driven by user_init (shared state, before the tasks
/// fork), task_init (in each task) and task_exit/exit (in slurmstepd).
final class StepLifecycle {
    static let version = "0.1.0"
    /// How long a step waits for another step that is setting up the same named container.
    static let nameLockTimeout = 900.0

    let host: SlurmHost
    let config: PluginConfig
    let options: ContainerOptions
    let step: StepInfo
    let runtimeDirectory: String
    /// The enroot name of the step's container (`pyxis_...`).
    let containerName: String
    /// The batch script, bind-mounted read-only at its own path in the batch step.
    let batchScript: String?

    private var shared: UnsafeMutablePointer<csystem_shared>?
    private var exitedTasks = 0
    private var finished = false

    init(host: SlurmHost, config: PluginConfig, options: ContainerOptions, step: StepInfo, batchScript: String?) {
        self.host = host
        self.config = config
        self.options = options
        self.step = step
        self.batchScript = batchScript
        self.runtimeDirectory = ContainerPlan.userRuntimeDirectory(config: config, uid: step.uid)
        self.containerName = EnrootContainerName.make(name: options.name, scope: config.containerScope, step: step)
    }

    /// post_opt, as root: the user's runtime directory.
    func prepare() throws(LifecycleError) {
        try RuntimeDirectory.create(runtimeDirectory, uid: step.uid, gid: step.gid)
    }

    /// user_init, in slurmstepd before the tasks fork: the shared state they coordinate with.
    func createSharedState() throws(LifecycleError) {
        guard shared == nil else { return }
        guard let state = csystem_shared_create() else {
            throw LifecycleError("cannot create the state shared by the tasks: \(String(cString: strerror(errno)))")
        }
        shared = state
    }

    // MARK: - enroot

    func enrootRunner() throws(LifecycleError) -> EnrootRunner {
        guard let enroot = NodeProbe.findExecutable("enroot") else {
            throw LifecycleError("enroot is not installed on this node (not found in \(NodeProbe.searchPath))")
        }
        var additions: [(String, String)] = [
            ("SLURM_JOB_UID", String(step.uid)), ("SLURM_JOB_GID", String(step.gid)),
        ]
        additions += EnrootEnvironment.switches(for: options)
        additions += [("PYXIS_RUNTIME_PATH", config.runtimePath), ("PYXIS_VERSION", Self.version)]
        let environment = EnrootEnvironment.build(
            path: NodeProbe.searchPath, job: host.jobEnvironmentList(), additions: additions)
        return EnrootRunner(enroot: enroot, environment: environment,
                            identity: ProcessIdentity(uid: step.uid, gid: step.gid, groups: step.groups),
                            host: host)
    }

    // MARK: - task_init

    /// task_init, in each task (as the job's user): the first task sets the container up, every
    /// task joins it.
    func taskInit() -> Int32 {
        guard let shared else {
            host.log(.error, "internal error: the tasks' shared state is missing (user_init did not run)")
            return -1
        }
        do {
            try joinContainer(shared)
            return 0
        } catch {
            error.report(to: host)
            return -1
        }
    }

    private func joinContainer(_ shared: UnsafeMutablePointer<csystem_shared>) throws(LifecycleError) {
        let lockResult = csystem_shared_lock(shared)
        guard lockResult == 0 || lockResult == EOWNERDEAD else {
            throw LifecycleError("cannot lock the state shared by the tasks: \(String(cString: strerror(lockResult)))")
        }
        var locked = true
        defer { if locked { csystem_shared_unlock(shared) } }
        if lockResult == EOWNERDEAD {
            throw LifecycleError("a previous task terminated unexpectedly during container setup; nothing was started")
        }
        if shared.pointee.state == Int32(CSYSTEM_STATE_NONE) {
            let total = Clock.now()
            do {
                try setUp(shared)
                shared.pointee.state = Int32(CSYSTEM_STATE_READY)
            } catch {
                shared.pointee.state = Int32(CSYSTEM_STATE_FAILED)
                throw error
            }
            host.timing("total", since: total)
        }
        guard shared.pointee.state == Int32(CSYSTEM_STATE_READY) else {
            // The task that tried has said why; one failure message per node is enough.
            throw LifecycleError("container was not started successfully by another task", level: .verbose)
        }
        let pid = shared.pointee.pid
        let handles = try ContainerHandles(pid: pid)
        shared.pointee.arrived += 1
        if shared.pointee.arrived == Int32(step.localTaskCount), shared.pointee.needs_continue != 0 {
            // Every task holds the namespaces now: the stopped shell may exit.
            kill(pid, SIGCONT)
            shared.pointee.needs_continue = 0
        }
        csystem_shared_unlock(shared)
        locked = false

        try applyEnvironment(container: handles.environment)
        try handles.enter(privileged: step.privileged, unshare: options.unshare, workdir: options.workdir)
        if !step.privileged {
            do {
                _ = try FakeSuccessFilter.install(setNoNewPrivs: false)
            } catch {
                throw LifecycleError("seccomp filter failed: \(error.description)")
            }
        }
        _ = csystem_shared_lock(shared)
        shared.pointee.started += 1
        csystem_shared_unlock(shared)
    }

    /// The first task on the node: find or make the container and its stopped process.
    private func setUp(_ shared: UnsafeMutablePointer<csystem_shared>) throws(LifecycleError) {
        try checkSaveTarget()
        let enroot = try enrootRunner()
        var lock: NameLock?
        defer { lock?.release() }
        if options.name != nil {
            lock = try NameLock.acquire(runtimeDirectory + "/" + containerName + ".lock", timeout: Self.nameLockTimeout) {
                host.log(.info, "waiting for another step on this node to finish setting up container '\(options.name?.name ?? "")'")
            }
        }
        let listing = ContainerPlan.needsListing(options) ? try enroot.list() : nil
        let installation = LazyEnrootInstallation(path: enroot.enroot)
        let plan: ContainerPlan
        do {
            plan = try ContainerPlan.decide(
                options: options, config: config, step: step, listing: listing,
                rootfsWritable: ContainerPlan.mayStartFromFile(options: options, config: config)
                    ? installation.isEnabled("ENROOT_ROOTFS_WRITABLE", option: options.writable, job: host.jobEnvironment)
                    : options.writable ?? false,
                squashfuse: {
                    NodeProbe.squashfuseSupport(nativeOverlay: installation.isEnabled(
                        "ENROOT_NATIVE_OVERLAYFS", option: nil, job: host.jobEnvironment))
                })
        } catch {
            throw LifecycleError(error)
        }
        for warning in plan.warnings { host.log(.info, warning) }
        for note in plan.verboseNotes { host.log(.verbose, note) }
        if case .attach = plan.action {} else {
            try checkFeatures(of: installation)
        }

        let setupStart = Clock.now()
        switch plan.action {
        case .attach(let pid):
            shared.pointee.pid = pid
            return
        case .start:
            try startProcess(enroot, target: plan.containerName, keepStopped: false, shared)
        case .createAndStart(let source):
            shared.pointee.creating = 1
            do {
                try create(enroot, name: plan.containerName, from: source, shared)
                shared.pointee.created = 1
                try startProcess(enroot, target: plan.containerName, keepStopped: false, shared)
            } catch {
                // Never leave a half-made container behind (a named one is removed while the
                // name lock is still held, so no other step sees it).
                _ = try? enroot.enroot("remove", ["remove", "-f", plan.containerName], failure: "")
                shared.pointee.creating = 0
                shared.pointee.created = 0
                throw error
            }
        case .startFromFile(let source):
            let file = try obtainFile(enroot, source, shared)
            host.log(.verbose, "skipping container creation (squashfuse enabled)")
            host.log(.verbose, "starting container from squashfs: \(file)")
            try startProcess(enroot, target: file, keepStopped: true, shared)
        }
        host.log(.verbose, "completed container setup in \(Int((Clock.now() - setupStart).rounded())) ms")
    }

    /// Fails before anything is made when the step asks for what this node's enroot cannot do:
    /// enroot 4.1.2 ignores `ENROOT_UNSHARE_*` and reads fstab escapes in mount entries
    /// literally, which would otherwise give a shared namespace or a mount of the wrong path.
    private func checkFeatures(of installation: LazyEnrootInstallation) throws(LifecycleError) {
        if let namespace = options.unshare.first, !installation.value.supportsUnshare {
            throw LifecycleError("--container-unshare: the enroot on this node (\(installation.path)) cannot create a separate \(namespace.rawValue) namespace: --container-unshare needs an enroot newer than 4.1.2 (its main branch); nothing was started")
        }
        guard !installation.value.unescapesMountFields else { return }
        for mount in options.mounts {
            var paths = [mount.destination]
            if case .path(let source) = mount.source { paths.append(source) }
            if let path = paths.first(where: { $0.contains(where: { " \t\\".contains($0) }) }) {
                throw LifecycleError("--container-mounts: '\(path)' holds a space, tab or backslash, which the enroot on this node (\(installation.path)) cannot read in a mount entry: that needs an enroot newer than 4.1.2 (its main branch); nothing was started")
            }
        }
    }

    /// `--container-save` exports after the tasks end, where Slurm cannot fail the step any
    /// more: a directory the user cannot write to is reported now, before anything runs.
    private func checkSaveTarget() throws(LifecycleError) {
        guard let save = options.save else { return }
        let directory = Self.split(step.absolute(save)).directory
        guard access(directory, W_OK | X_OK) == 0 else {
            throw LifecycleError("--container-save: cannot write to the directory \(directory): \(String(cString: strerror(errno)))")
        }
    }

    /// The image as the user wrote it, for messages.
    private var imageText: String { options.imageText ?? "" }

    /// The squashfs file of `source` (importing it when needed).
    private func obtainFile(_ enroot: EnrootRunner, _ source: ContainerPlan.ImageSource,
                            _ shared: UnsafeMutablePointer<csystem_shared>) throws(LifecycleError) -> String {
        switch source {
        case .file(let path):
            return path
        case .enrootImport(let uri, let output):
            announceImport()
            try enroot.enroot("import", ["import", "--output", output, uri], failure: "failed to import docker image: \(imageText)")
            host.notice("imported docker image: \(imageText)")
            return output
        case .importer(let uri):
            guard let importer = config.importer else { return uri }
            announceImport()
            // Recorded before it runs: a get that fails half-way may have made files too.
            shared.pointee.importer_pending = 1
            let failure = "failed to import docker image: \(imageText) (importer: \(importer))"
            let result = try enroot.run("importer-get", importer, ["get", uri], failure: failure, captureOutput: true)
            let path = result.output.split(separator: "\n").first.map(String.init) ?? ""
            guard path.hasPrefix("/") else {
                throw LifecycleError("importer did not return a squashfs path: \(importer) printed \(path.isEmpty ? "nothing" : "'\(path)'") instead of the absolute path of a squashfs file", log: result.logLines)
            }
            host.notice("imported docker image: \(imageText)")
            host.log(.verbose, "importer squashfs path: \(path)")
            return path
        case .enrootLoad(let uri):
            return uri
        }
    }

    /// pyxis's line before an import, shown for one-task steps (they may be interactive) and
    /// for the batch step, which Slurm counts as zero tasks.
    private func announceImport() {
        if step.totalTaskCount <= 1 {
            host.notice("importing docker image: \(imageText)")
        }
    }

    private func create(_ enroot: EnrootRunner, name: String, from source: ContainerPlan.ImageSource,
                        _ shared: UnsafeMutablePointer<csystem_shared>) throws(LifecycleError) {
        if case .enrootLoad(let uri) = source {
            announceImport()
            try enroot.enroot("load", ["load", "--name", name, uri], failure: "failed to import docker image: \(imageText)")
            host.notice("imported docker image: \(imageText)")
            return
        }
        let file = try obtainFile(enroot, source, shared)
        host.log(.verbose, "creating container filesystem: \(name)")
        try enroot.enroot("create", ["create", "--name", name, file],
                          failure: "failed to create container filesystem for image: \(imageText.isEmpty ? file : imageText)")
        // The unpacked filesystem is all that is needed now.
        switch source {
        case .enrootImport(_, let output):
            unlink(output)
        case .importer:
            releaseImporter(enroot, shared)
        case .file, .enrootLoad:
            break
        }
    }

    /// `IMPORTER release`, once for the step's `get` (see `importer_pending`).
    private func releaseImporter(_ enroot: EnrootRunner, _ shared: UnsafeMutablePointer<csystem_shared>) {
        guard let importer = config.importer, shared.pointee.importer_pending != 0 else { return }
        shared.pointee.importer_pending = 0
        do {
            try enroot.run("importer-release", importer, ["release"], failure: "failed to call importer release: \(importer)")
        } catch {
            error.report(to: host)
        }
    }

    /// Starts the container process on `target` and waits for it to stop itself.
    private func startProcess(_ enroot: EnrootRunner, target: String, keepStopped: Bool,
                              _ shared: UnsafeMutablePointer<csystem_shared>) throws(LifecycleError) {
        let confPath = runtimeDirectory + "/\(step.stepLabel).conf"
        try writeStartConfig(to: confPath)
        defer { unlink(confPath) }
        host.log(.verbose, "starting container: \(target)")
        let started = try enroot.start(target: target, conf: confPath, entrypointRan: options.entrypoint)
        shared.pointee.pid = started.pid
        shared.pointee.owns_process = 1
        shared.pointee.needs_continue = keepStopped ? 0 : 1
        if options.entrypointLog {
            for line in started.log { host.notice(line) }
        }
    }

    private func writeStartConfig(to path: String) throws(LifecycleError) {
        var mounts = options.mounts.map { mount -> MountSpec in
            guard case .path(let source) = mount.source else { return mount }
            return MountSpec(source: .path(step.absolute(source)), destination: mount.destination, userFlags: mount.userFlags)
        }
        if let batchScript {
            mounts.append(MountSpec(source: .path(batchScript), destination: batchScript, userFlags: ["ro", "nosuid", "nodev"]))
        }
        var environment: [(name: String, value: String)] = []
        for name in options.environmentNames {
            if let value = host.jobEnvironment(name) { environment.append((name, value)) }
        }
        let text: String
        do {
            text = try EnrootStartConfig(mounts: mounts, runEntrypoint: options.entrypoint, environment: environment).render()
        } catch {
            throw LifecycleError(error)
        }
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LifecycleError("cannot write the enroot configuration \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw LifecycleError("cannot write the enroot configuration \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The container's variables into the task's environment (SPEC §4).
    private func applyEnvironment(container: Environment) throws(LifecycleError) {
        let task = Environment(host.jobEnvironmentList())
        let changes: TaskEnvironmentChanges
        do {
            changes = try TaskEnvironmentChanges.compute(container: container, task: task, pinned: options.environmentNames)
        } catch {
            throw LifecycleError(error)
        }
        for name in changes.unset {
            _ = host.unsetJobEnvironment(name)
        }
        for variable in changes.set where !host.setJobEnvironment(variable.name, variable.value) {
            throw LifecycleError("cannot set \(variable.name) in the task's environment")
        }
    }

    // MARK: - task_exit / exit

    /// task_exit, in slurmstepd (root): the last task to end finishes the step.
    func taskExit() {
        exitedTasks += 1
        if exitedTasks >= step.localTaskCount { finish() }
    }

    /// Export, stop the container process, remove temporary files and containers. Runs once.
    func finish() {
        guard !finished else { return }
        finished = true
        guard let shared else { return }
        let state = shared.pointee
        let pid = state.pid
        if state.owns_process != 0, pid > 0 {
            let start = Clock.now()
            endProcess(pid)
            host.timing("end-container-process", since: start)
        }
        let enroot: EnrootRunner
        do {
            enroot = try enrootRunner()
        } catch {
            error.report(to: host)
            return
        }
        if let save = options.save {
            if state.state == Int32(CSYSTEM_STATE_READY), state.started == Int32(step.localTaskCount) {
                export(enroot, to: step.absolute(save))
            } else {
                host.log(.error, "not saving the container to \(save): not every task of the step started")
            }
        }
        if case .uri = options.image, config.importer == nil {
            RuntimeDirectory.remove(ContainerPlan.temporarySquashfsName(step: step), in: runtimeDirectory)
        }
        releaseImporter(enroot, shared)
        if (options.name == nil || state.created == 0) && (state.creating != 0 || state.created != 0) {
            host.log(.verbose, "removing container filesystem: \(containerName)")
            do {
                try enroot.enroot("remove", ["remove", "-f", containerName], failure: "failed to remove container filesystem: \(containerName)")
            } catch {
                error.report(to: host)
            }
        }
    }

    /// Lets the container process this step started exit (it is stopped), and makes sure it
    /// ends. It may stay a zombie for a while (its parent, the first task, is gone and the
    /// node's init reaps it), which enroot does not count as running.
    private func endProcess(_ pid: pid_t) {
        kill(pid, SIGCONT)
        // It only has to run `exit 0`: poll finely, for at most a second.
        for _ in 0..<1000 where Self.isAlive(pid) {
            usleep(1000)
        }
        if Self.isAlive(pid) { kill(pid, SIGKILL) }
    }

    /// True while `pid` exists and is not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = NodeProbe.readSmallFile("/proc/\(pid)/stat", limit: 4096),
              let close = stat.lastIndex(of: ")") else { return false }
        let rest = stat[stat.index(after: close)...].drop(while: { $0 == " " })
        return rest.first != "Z"
    }

    /// `/a/b/c` → (`/a/b`, `c`); `/c` → (`/`, `c`); `c` → (`.`, `c`).
    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `enroot export` into a temporary file next to the target, renamed into place only once
    /// complete, so an existing file is never replaced by a truncated one.
    private func export(_ enroot: EnrootRunner, to target: String) {
        let (directory, base) = Self.split(target)
        let temporary = (directory == "/" ? "" : directory) + "/.\(base).pyxis-\(step.stepLabel).tmp"
        do throws(LifecycleError) {
            let failure = "failed to export container \(containerName) to \(options.save ?? target)"
            try enroot.enroot("export", ["export", "-f", "-o", temporary, containerName], failure: failure)
            guard let mv = NodeProbe.findExecutable("mv") else {
                throw LifecycleError("\(failure): mv not found")
            }
            try enroot.run("rename", mv, ["-f", "-T", "--", temporary, target], failure: "\(failure) (moving the exported file into place)")
            host.notice("exported container \(containerName) to \(options.save ?? target)")
        } catch {
            error.report(to: host)
            if let rm = NodeProbe.findExecutable("rm") {
                _ = try? enroot.run("cleanup", rm, ["-f", "--", temporary], failure: "")
            }
        }
    }
}
