import PyxisCore

/// The node's enroot installation, read only if a step asks about it (a step that starts a
/// named container never does).
final class InstalledEnroot {
    let path: String
    private let node: NodeFacts
    private var loaded: (installation: EnrootInstallation, configured: [String: String])?

    init(path: String, node: NodeFacts) {
        self.path = path
        self.node = node
    }

    var value: EnrootInstallation { load().installation }

    private func load() -> (installation: EnrootInstallation, configured: [String: String]) {
        if let loaded { return loaded }
        let read = node.enrootInstallation(at: path)
        loaded = read
        return read
    }

    /// Whether enroot's switch `name` will be on for this step: the option pyxis passes for it
    /// wins, then the job's environment (which reaches enroot), then enroot's configuration.
    func isEnabled(_ name: String, option: Bool?, job: (String) -> String?) -> Bool {
        if let option { return option }
        let (installation, configured) = load()
        return installation.isEnabled(name, environment: job(name), configured: configured)
    }
}
