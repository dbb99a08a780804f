import Glibc
import PyxisCore
import PyxisLifecycle

/// slurmstepd's one container step (SlurmstepdStep, over this process's SlurmHost), made when
/// its options say "container". Slurm calls every callback from one thread, before the tasks fork.
enum Slurmstepd {
    static let version = "0.1.0"

    nonisolated(unsafe) private(set) static var step: SlurmstepdStep?

    /// post_opt (root), for a step whose options say "container".
    static func postOptions(host: SlurmHost, deferred: DeferredFailure, config: PluginConfig, options: ContainerOptions) {
        let made = SlurmstepdStep(host: host, deferred: deferred, node: .onThisNode(version: version, endTask: { _exit($0) }))
        made.postOptions(config: config, options: options, imageCacheCommand: PluginFiles.imageCacheCommand)
        step = made
    }
}
