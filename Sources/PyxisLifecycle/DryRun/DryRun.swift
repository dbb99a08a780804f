import PyxisCore

/// `--container-dry-run` on one node (docs/design.md, "Dry run"): the real set-up and
/// teardown run against stand-ins that change nothing (`Rehearsal`), and what they would have
/// done becomes one report — the options and where each came from, the plugstack settings, the
/// image, why this way of making the container, the commands, the start configuration, and the
/// hooks enroot would run.
struct DryRun {
    let context: StepContext
    let tools: StepTools

    /// The report, and whether the step would have got as far as running its tasks.
    func report() -> (lines: [String], wouldStart: Bool) {
        let rehearsal = Rehearsal()
        let host = RehearsalHost(context.host, rehearsal)
        let rehearsed = StepContext(host: host, config: context.config, options: context.options, step: context.step,
                                    batchScript: context.batchScript)
        let stand = StepTools(enroot: RehearsalEnroot(tools.enroot, rehearsal),
                              importer: tools.importer.map { RehearsalImporter($0, rehearsal) },
                              facts: tools.facts,   // what it reads is real
                              files: RehearsalFiles(rehearsal),
                              processes: RehearsalProcesses(),
                              imageCache: tools.imageCache.map { RehearsalImageCache($0, rehearsal) })
        let rendezvous = RehearsalRendezvous()
        var failure: LifecycleError?
        do {
            try ContainerSetup(context: rehearsed, tools: stand, rendezvous: rendezvous).run()
        } catch {
            failure = error
        }
        let setupCommands = rehearsal.commands.count
        if failure == nil {
            rendezvous.state = .ready
            rendezvous.started = context.step.localTaskCount
            _ = ContainerTeardown(context: rehearsed, tools: stand, rendezvous: rendezvous).run()
        }

        var lines = ["dry run\(node.map { " on \($0)" } ?? ""): nothing was started (--container-dry-run)"]
        lines.append("options:")
        for origin in context.options.origins { lines.append("    \(origin.option)=\(origin.value)   (\(origin.origin))") }
        lines.append("plugstack: \(context.config.described.joined(separator: " "))")
        lines.append("image: \(imageDescription)")
        lines.append("container: \(context.containerName) (\(context.options.name == nil ? "temporary, removed after the step" : "named, kept after the step"))")
        let notes = rehearsal.messages.filter { level, message in
            level != .error && !message.hasPrefix("timing:") && !message.hasPrefix("    ")
                && message != "enroot start configuration script:" && !message.hasPrefix("completed container setup")
        }
        if !notes.isEmpty {
            lines.append("set-up, as the plugin would say it:")
            for (_, message) in notes { lines.append("    \(message)") }
        }
        lines.append("commands, as the job's user:")
        for command in rehearsal.commands.prefix(setupCommands) { lines.append("    \(command)") }
        if rehearsal.commands.count > setupCommands {
            lines.append("after the tasks end:")
            for command in rehearsal.commands.dropFirst(setupCommands) { lines.append("    \(command)") }
        }
        for file in rehearsal.files {
            lines.append("start configuration (\(file.path)):")
            for line in file.text.split(separator: "\n") { lines.append("    \(line)") }
        }
        lines.append("hooks enroot start would run, in order:")
        for hook in hooks { lines.append("    \(hook)") }
        if let failure {
            lines.append("the step would fail here: \(failure.message)")
            for line in failure.log { lines.append("    \(line)") }
        } else {
            lines.append("then each task would join the container and run its command")
        }
        return (lines, failure == nil)
    }

    private var node: String? { context.host.jobEnvironment("SLURMD_NODENAME") }

    private var imageDescription: String {
        switch context.options.image {
        case .squashfsFile(let file)?: "squashfs file \(context.step.absolute(file))"
        case .uri(let uri)?: "\(uri) (\(context.config.importer.map { "importer \($0)" } ?? "enroot"))"
        case nil: "none: the named container \(context.options.name?.name ?? "") must exist"
        }
    }

    /// enroot's `hook_dirs`: the system's, then the user's, then the start configuration's.
    /// The system's is the installation's: the plugin never passes the job's
    /// `ENROOT_SYSCONF_PATH` on to enroot (`EnrootEnvironment.denied`).
    private var hooks: [String] {
        let site = tools.facts.enrootSite(at: tools.enroot.path)
        return site.hookDirectories(environment: context.host.jobEnvironment).flatMap { tools.facts.hookFiles(in: $0) }
            + ["hooks() of the start configuration"]
    }
}
