import PyxisCore
import PyxisSystem

/// The first task on a node: find or make the step's container and its stopped process
/// (docs/design.md, "Setting up"), recording in the rendezvous what it made as it goes.
struct ContainerSetup {
    /// How long a step waits for another step that is setting up the same named container.
    static let nameLockTimeout = 900.0

    let context: StepContext
    let tools: StepTools
    let rendezvous: TaskRendezvous

    var host: StepHost { context.host }
    var options: ContainerOptions { context.options }

    /// The cache's answer, kept for a start that fails on its file: which file it was.
    private final class CacheFile { var identity: String? }
    private let cacheFile = CacheFile()

    func run() throws(LifecycleError) {
        try checkSaveTarget()
        let lock = try lockName()
        defer { withExtendedLifetime(lock) {} }
        let installation = InstalledEnroot(path: tools.enroot.path, node: tools.facts)
        let plan = try decide(installation)
        if case .attach(let pid) = plan.action {
            rendezvous.pid = pid
            return
        }
        try checkLoginShell(of: installation)
        try checkFeatures(of: installation)
        let start = MonotonicClock.milliseconds()
        try carryOut(plan)
        host.log(.verbose, "completed container setup in \(Int((MonotonicClock.milliseconds() - start).rounded())) ms")
    }

    /// The lock of a named container's set-up (nil for a temporary container).
    private func lockName() throws(LifecycleError) -> AnyObject? {
        guard let name = options.name else { return nil }
        do {
            return try tools.files.lockName(context.runtimeDirectory + "/" + context.containerName + ".lock",
                                           timeout: Self.nameLockTimeout) {
                host.log(.info, "waiting for another step on this node to finish setting up container '\(name.name)'")
            }
        } catch {
            switch error {
            case .system(let failure):
                throw LifecycleError("failed to acquire container setup lock: \(failure.description)")
            case .timedOut(let seconds):
                throw LifecycleError("failed to acquire container setup lock: gave up after \(seconds) s waiting for another step to finish setting up this container; try again later")
            }
        }
    }

    /// `ContainerPlan.decide` with what it needs from enroot (one `list -f` for a name) and the
    /// node; its notes go to `-v`, its warnings to the user.
    private func decide(_ installation: InstalledEnroot) throws(LifecycleError) -> ContainerPlan {
        let listing: EnrootListing?
        do {
            listing = ContainerPlan.needsListing(options) ? try tools.enroot.list() : nil
        } catch {
            throw LifecycleError("couldn't get list of existing container filesystems", error)
        }
        let imageCache = try imageCacheDirectory()
        let plan: ContainerPlan
        do {
            plan = try ContainerPlan.decide(
                options: options, config: context.config, step: context.step, listing: listing,
                rootfsWritable: ContainerPlan.mayStartFromFile(options: options, config: context.config)
                    ? installation.isEnabled("ENROOT_ROOTFS_WRITABLE", option: options.writable, job: host.jobEnvironment)
                    : options.writable ?? false,
                imageCache: imageCache,
                squashfuse: {
                    tools.facts.squashfuseSupport(nativeOverlay: installation.isEnabled(
                        "ENROOT_NATIVE_OVERLAYFS", option: nil, job: host.jobEnvironment))
                })
        } catch {
            throw LifecycleError(error)
        }
        for warning in plan.warnings { host.log(.info, warning) }
        for note in plan.verboseNotes { host.log(.verbose, note) }
        return plan
    }

    /// The user's image cache directory for a registry image (docs/image-cache.md), or nil:
    /// none configured, or (with `image_cache_fallback=1`, the default) none usable, said once.
    private func imageCacheDirectory() throws(LifecycleError) -> String? {
        let config = context.config
        do throws(PyxisError) {
            guard let directory = try context.imageCacheDirectory(node: tools.facts) else { return nil }
            guard tools.imageCache != nil else {
                throw PyxisError("cannot use the image cache: pyxis-image-cache was not found (plugstack image_cache_command=)")
            }
            return directory
        } catch {
            guard config.imageCacheFallback else { throw LifecycleError(error) }
            host.log(.info, "not using the image cache: \(error.message)")
            return nil
        }
    }

    /// Fetches, creates and starts as the plan says, recording what it made.
    private func carryOut(_ plan: ContainerPlan) throws(LifecycleError) {
        switch plan.action {
        case .attach:
            return
        case .start:
            try startProcess(plan.containerName, keepStopped: false)
        case .createAndStart(let source):
            rendezvous.record.creating = true
            do {
                try create(plan.containerName, from: source)
                rendezvous.record.created = true
                try startProcess(plan.containerName, keepStopped: false)
            } catch {
                // Never leave a half-made container behind (a named one is removed while the
                // name lock is still held, so no other step sees it).
                try? tools.enroot.remove([plan.containerName])
                rendezvous.record.creating = false
                rendezvous.record.created = false
                throw error
            }
        case .startFromFile(let source):
            let file = try obtainFile(source)
            host.log(.verbose, "skipping container creation (squashfuse enabled)")
            host.log(.verbose, "starting container from squashfs: \(file)")
            try usingCacheFile(file, of: source) { file throws(LifecycleError) in try startProcess(file, keepStopped: true) }
        }
    }

    /// Runs `use` on FILE; when that fails on a file of the image cache, the cache checks the
    /// file (docs/image-cache.md, "Damaged files"): a damaged one is removed and the image
    /// imported again, and `use` runs once more, on the new file. When the file reads whole the
    /// failure lies elsewhere, and stands.
    private func usingCacheFile(_ file: String, of source: ContainerPlan.ImageSource, beforeRetry: () -> Void = {},
                                _ use: (String) throws(LifecycleError) -> Void) throws(LifecycleError) {
        do {
            try use(file)
        } catch {
            guard case .cache(let uri, let directory) = source, let client = tools.imageCache else { throw error }
            let cache = StepImageCache(client: client, context: context, directory: directory)
            guard case .replaced(let answer) = try cache.reportDamage(of: file, identity: cacheFile.identity, uri: uri) else {
                throw error
            }
            for line in answer.log { host.log(.verbose, line) }
            host.log(.info, "the image cache file \(file) was damaged: removed it and imported docker image \(context.imageText) again")
            beforeRetry()
            try use(answer.path)
        }
    }

    /// `--container-save` exports after the tasks end, where Slurm cannot fail the step any
    /// more: a directory the user cannot write to is reported now, before anything runs.
    private func checkSaveTarget() throws(LifecycleError) {
        guard let save = options.save else { return }
        let directory = StepContext.split(context.step.absolute(save)).directory
        do {
            try tools.facts.checkWritable(directory: directory)
        } catch {
            throw LifecycleError("--container-save: cannot write to the directory \(directory): \(error.reason)")
        }
    }

    /// Fails before enroot runs when the user's login shell refuses commands (`LoginShell`):
    /// otherwise every start fails with enroot's log and "This account is not available".
    private func checkLoginShell(of installation: InstalledEnroot) throws(LifecycleError) {
        let uid = context.step.uid
        guard let shell = tools.facts.loginShell(uid: uid), LoginShell.refusesCommands(shell),
              installation.isEnabled("ENROOT_LOGIN_SHELL", option: nil, job: host.jobEnvironment) else { return }
        let name = tools.facts.userName(uid: uid) ?? String(uid)
        guard let problem = LoginShell.problem(user: name, shell: shell) else { return }
        var error = LifecycleError(problem + "; nothing was started")
        error.hint = LoginShell.fix(user: name)
        throw error
    }

    /// Fails before anything is made when the step asks for what this node's enroot cannot do:
    /// enroot 4.1.2 ignores `ENROOT_UNSHARE_*` and reads fstab escapes in mount entries
    /// literally, which would otherwise give a shared namespace or a mount of the wrong path.
    private func checkFeatures(of installation: InstalledEnroot) throws(LifecycleError) {
        if let namespace = options.unshare.first, !installation.value.supportsUnshare {
            throw LifecycleError("--container-unshare: the enroot on this node (\(installation.path)) cannot create a separate \(namespace.rawValue) namespace: --container-unshare needs an enroot newer than 4.1.2 (its main branch); nothing was started")
        }
        guard !installation.value.unescapesMountFields else { return }
        for mount in options.mounts {
            var paths: [String] = []
            if case .path(let source) = mount.source { paths.append(source) }
            paths.append(mount.destination)
            if let path = paths.first(where: { $0.contains(where: { " \t\\".contains($0) }) }) {
                throw LifecycleError("--container-mounts: '\(path)' holds a space, tab or backslash, which the enroot on this node (\(installation.path)) cannot read in a mount entry: that needs an enroot newer than 4.1.2 (its main branch); nothing was started")
            }
        }
    }

    /// pyxis's line before an import, shown for one-task steps (they may be interactive) and
    /// for the batch step, which Slurm counts as zero tasks.
    private func announceImport() {
        if context.step.totalTaskCount <= 1 {
            host.notice("importing docker image: \(context.imageText)")
        }
    }

    /// The squashfs file of `source` (importing it when needed).
    private func obtainFile(_ source: ContainerPlan.ImageSource) throws(LifecycleError) -> String {
        switch source {
        case .file(let path):
            return path
        case .enrootImport(let uri, let output):
            announceImport()
            rendezvous.record.squashfsImported = true
            do {
                try tools.enroot.importImage(uri, to: output)
            } catch {
                throw LifecycleError("failed to import docker image: \(context.imageText)", error)
            }
            host.notice("imported docker image: \(context.imageText)")
            return output
        case .importer(let uri):
            guard let importer = tools.importer else { return uri }
            announceImport()
            // Recorded before it runs: a get that fails half-way may have made files too.
            rendezvous.record.importerPending = true
            let result: (path: String, log: [String])
            do {
                result = try importer.get(uri)
            } catch {
                throw LifecycleError("failed to import docker image: \(context.imageText) (importer: \(importer.path))", error)
            }
            guard result.path.hasPrefix("/") else {
                let printed = result.path.isEmpty ? "nothing" : "'\(result.path)'"
                throw LifecycleError("importer did not return a squashfs path: \(importer.path) printed \(printed) instead of the absolute path of a squashfs file", log: result.log)
            }
            host.notice("imported docker image: \(context.imageText)")
            host.log(.verbose, "importer squashfs path: \(result.path)")
            return result.path
        case .enrootLoad(let uri):
            return uri
        case .cache(let uri, let directory):
            return try cachedFile(uri, directory: directory)
        }
    }

    /// The image's file in the user's cache. A cache that cannot be used (its directory) falls
    /// back to a plain import when the site allows it; an image that cannot be imported fails.
    private func cachedFile(_ uri: String, directory: String) throws(LifecycleError) -> String {
        guard let client = tools.imageCache else { throw LifecycleError("cannot use the image cache: pyxis-image-cache was not found") }
        let start = MonotonicClock.milliseconds()
        // Recorded before it runs: a get that fails after its reference still made one.
        rendezvous.record.cacheUsePending = true
        let answer: ImageCacheAnswer
        switch try StepImageCache(client: client, context: context, directory: directory).file(for: uri) {
        case .file(let file):
            answer = file
            cacheFile.identity = answer.identity
        case .unusable(let why, _) where context.config.imageCacheFallback:
            host.log(.info, "not using the image cache: \(why); importing without it")
            return try obtainFile(.enrootImport(uri: uri, output: ContainerPlan.temporarySquashfsPath(config: context.config, step: context.step)))
        case .unusable(_, let failure):
            throw LifecycleError("failed to import docker image: \(context.imageText) into the image cache \(directory)", failure)
        }
        guard answer.path.hasPrefix("/") else {
            throw LifecycleError("the image cache did not return a squashfs path: \(client.path) printed '\(answer.path)'", log: answer.log)
        }
        for line in answer.log { host.log(.verbose, line) }
        let took = formatMilliseconds(MonotonicClock.milliseconds() - start)
        switch answer.outcome {
        case .hit:
            host.log(.verbose, "image cache hit: \(answer.path) (\(took) ms)")
        case .imported, .waited:
            // pyxis's two lines, after the fact: the cache decides whether there is an import.
            announceImport()
            host.notice("imported docker image: \(context.imageText)")
            host.log(.verbose, "image cache \(answer.outcome == .imported ? "miss, imported" : "miss, imported by another step"): \(answer.path) (\(took) ms)")
        }
        return answer.path
    }

    private func create(_ name: String, from source: ContainerPlan.ImageSource) throws(LifecycleError) {
        if case .enrootLoad(let uri) = source {
            announceImport()
            do {
                try tools.enroot.load(uri, name: name)
            } catch {
                throw LifecycleError("failed to import docker image: \(context.imageText)", error)
            }
            host.notice("imported docker image: \(context.imageText)")
            return
        }
        let file = try obtainFile(source)
        // What a failed unpacking left goes before the second try.
        try usingCacheFile(file, of: source, beforeRetry: { try? tools.enroot.remove([name]) }) { file throws(LifecycleError) in
            host.log(.verbose, "creating container filesystem: \(name)")
            do throws(CommandFailure) {
                try tools.enroot.create(name: name, from: file)
            } catch {
                throw LifecycleError("failed to create container filesystem for image: \(context.imageText.isEmpty ? file : context.imageText)", error)
            }
        }
        // The unpacked filesystem is all that is needed now.
        switch source {
        case .enrootImport:
            tools.files.removeFile(ContainerPlan.temporarySquashfsName(step: context.step), in: context.runtimeDirectory)
            rendezvous.record.squashfsImported = false
        case .importer:
            ContainerTeardown.releaseImporter(context, tools, rendezvous)
        case .file, .enrootLoad, .cache:
            break   // the user's file, or the cache's, stays
        }
    }
}
