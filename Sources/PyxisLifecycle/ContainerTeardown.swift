import PyxisCore
import PyxisSystem

/// The end of the step on a node, in slurmstepd once the node's last task has ended (or the
/// step was cancelled): end the container process this step started, export for
/// `--container-save`, and undo what the set-up record says it made.
///
/// The last task_exit runs it while slurmstepd may still signal everything the step runs (a
/// cancel, the time limit); `enroot remove` killed there leaves the record saying so, and
/// slurmstepd's exit, which Slurm calls only once the step's processes are gone, resumes.
struct ContainerTeardown {
    let context: StepContext
    let tools: StepTools
    let rendezvous: TaskRendezvous

    private var host: StepHost { context.host }

    /// The first pass (`resuming` false) does everything; a resumed one only what a signal
    /// interrupted. True when nothing is left to resume.
    func run(resuming: Bool = false) -> Bool {
        let record = rendezvous.record
        if resuming {
            return removeContainer(record, resuming: true)
        }
        if record.ownsProcess, rendezvous.pid > 0 {
            let start = MonotonicClock.milliseconds()
            tools.processes.end(pid: rendezvous.pid)
            host.timing("end-container-process", since: start)
        }
        if let save = context.options.save {
            if rendezvous.state == .ready, rendezvous.started == context.step.localTaskCount {
                export(to: context.step.absolute(save), as: save)
            } else {
                host.log(.error, "failed to export container \(context.containerName) to \(save): not every task of the step started")
            }
        }
        if record.squashfsImported {
            tools.files.removeFile(ContainerPlan.temporarySquashfsName(step: context.step), in: context.runtimeDirectory)
            rendezvous.record.squashfsImported = false
        }
        Self.releaseImporter(context, tools, rendezvous)
        Self.releaseCacheUse(context, tools, rendezvous)
        return removeContainer(record, resuming: false)
    }

    /// A temporary container, or a named one whose creation did not complete. False when a
    /// signal stopped `enroot remove`: slurmstepd's exit tries again.
    private func removeContainer(_ record: SetupRecord, resuming: Bool) -> Bool {
        guard record.creating || record.created, context.options.name == nil || !record.created else { return true }
        host.log(.verbose, "removing container filesystem: \(context.containerName)")
        do {
            try tools.enroot.remove([context.containerName])
        } catch {
            if error.signal != nil, !resuming {
                host.log(.verbose, "removing container filesystem: \(context.containerName): \(error.ending); trying again once the step's processes are gone")
                return false
            }
            LifecycleError("failed to remove container filesystem: \(context.containerName)", error).report(to: host)
        }
        rendezvous.record.creating = false
        rendezvous.record.created = false
        return true
    }

    /// `pyxis-image-cache release --step`, once the container process is gone (it read the file
    /// through squashfuse): the step's references on this node go, and eviction may take the file.
    static func releaseCacheUse(_ context: StepContext, _ tools: StepTools, _ rendezvous: TaskRendezvous) {
        guard let cache = tools.imageCache, rendezvous.record.cacheUsePending else { return }
        rendezvous.record.cacheUsePending = false
        let directory: String?
        do throws(PyxisError) {
            directory = try context.imageCacheDirectory(node: tools.facts)
        } catch {
            context.host.log(.error, "failed to release the image cache's reference: \(error.message)")
            return
        }
        guard let directory else { return }
        do {
            try cache.release(directory: directory, step: context.step.stepLabel)
        } catch {
            LifecycleError("failed to release the image cache's reference: \(cache.path)", error).report(to: context.host)
        }
    }

    /// `IMPORTER release`, once for the step's `get` (see `SetupRecord.importerPending`).
    static func releaseImporter(_ context: StepContext, _ tools: StepTools, _ rendezvous: TaskRendezvous) {
        guard let importer = tools.importer, rendezvous.record.importerPending else { return }
        rendezvous.record.importerPending = false
        do {
            try importer.release()
        } catch {
            LifecycleError("failed to call importer release: \(importer.path)", error).report(to: context.host)
        }
    }

    /// `enroot export` into a temporary file next to the target, renamed into place only once
    /// complete, so an existing file is never replaced by a truncated one.
    private func export(to target: String, as given: String) {
        let (directory, base) = StepContext.split(target)
        let temporary = (directory == "/" ? "" : directory) + "/.\(base).pyxis-\(context.step.stepLabel).tmp"
        let failure = "failed to export container \(context.containerName) to \(given)"
        do {
            try tools.enroot.export(name: context.containerName, to: temporary)
        } catch {
            LifecycleError(failure, error).report(to: host)
            tools.files.removeAsUser(temporary)
            return
        }
        do {
            try tools.files.moveAsUser(temporary, to: target)
        } catch {
            LifecycleError(failure + " (moving the exported file into place)", error).report(to: host)
            tools.files.removeAsUser(temporary)
            return
        }
        host.notice("exported container \(context.containerName) to \(given)")
    }
}
