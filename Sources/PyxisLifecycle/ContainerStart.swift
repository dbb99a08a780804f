import PyxisCore
import PyxisSystem

/// Starting the container process: the `--conf` file enroot sources, `enroot start` waited for
/// until the shell in it stopped itself, and what its failures tell the user.
extension ContainerSetup {
    /// Starts the container process on `target` and waits for it to stop itself.
    func startProcess(_ target: String, keepStopped: Bool) throws(LifecycleError) {
        let configuration = context.runtimeDirectory + "/\(context.step.stepLabel).conf"
        let text = try startConfiguration()
        do {
            try tools.files.writeFile(configuration, text)
        } catch {
            throw LifecycleError("couldn't create enroot start configuration script: \(error.description)")
        }
        defer { tools.files.removeFile(StepContext.split(configuration).base, in: context.runtimeDirectory) }
        host.log(.verbose, "starting container: \(target)")
        let started: StartedContainer
        do {
            started = try tools.enroot.start(target, configuration: configuration)
        } catch {
            throw Self.startError(error, entrypoint: options.entrypoint)
        }
        rendezvous.pid = started.pid
        rendezvous.record.ownsProcess = true
        rendezvous.needsContinue = !keepStopped
        if options.entrypointLog {
            for line in started.log { host.notice(line) }
        }
    }

    static func startError(_ failure: StartFailure, entrypoint: Bool) -> LifecycleError {
        var error: LifecycleError
        switch failure {
        case .exited(0, let log):
            error = LifecycleError("container exited too soon (enroot start ended before the container was ready)", log: log)
        case .exited(let code, let log):
            error = LifecycleError("container start failed with error code: \(code)", log: log)
        case .signaled(let signal, let log):
            error = LifecycleError("container exited too soon (enroot start was killed by signal \(signal))", log: log)
        case .couldNotRun(let why):
            error = LifecycleError("failed to start container: \(why)")
        }
        if entrypoint, case .exited = failure {
            error.hint = "if the image has an unusual entrypoint, try using --no-container-entrypoint"
        }
        return error
    }

    /// The bash file `enroot start --conf` sources: mounts, `--container-env` values, and
    /// `exec "$@"` in rc.local unless the entrypoint is wanted.
    private func startConfiguration() throws(LifecycleError) -> String {
        var mounts = options.mounts.map { mount -> MountSpec in
            guard case .path(let source) = mount.source else { return mount }
            return MountSpec(source: .path(context.step.absolute(source)), destination: mount.destination, userFlags: mount.userFlags)
        }
        if let script = context.batchScript {
            mounts.append(MountSpec(source: .path(script), destination: script, userFlags: ["ro", "nosuid", "nodev"]))
        }
        var environment: [(name: String, value: String)] = []
        for name in options.environmentNames {
            // pyxis writes only non-empty values: an unset or empty one leaves the image's.
            if let value = host.jobEnvironment(name), !value.isEmpty { environment.append((name, value)) }
        }
        do {
            let text = try EnrootStartConfig(mounts: mounts, runEntrypoint: options.entrypoint, environment: environment).render()
            host.log(.verbose, "enroot start configuration script:")
            for line in text.split(separator: "\n") { host.log(.verbose, "    " + line) }
            return text
        } catch {
            throw LifecycleError(error)
        }
    }
}
