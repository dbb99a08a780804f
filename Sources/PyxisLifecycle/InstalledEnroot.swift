import PyxisCore

/// The node's enroot installation, read only if a step asks about it (a step that starts a
/// named container never does).
final class InstalledEnroot {
    let path: String
    private let node: NodeFacts
    private var loaded: EnrootSite?

    init(path: String, node: NodeFacts) {
        self.path = path
        self.node = node
    }

    var value: EnrootInstallation { site.installation }

    var site: EnrootSite {
        if let loaded { return loaded }
        let read = node.enrootSite(at: path)
        loaded = read
        return read
    }

    /// Whether enroot's switch `name` will be on for this step: the option pyxis passes for it
    /// wins, then the job's environment (which reaches enroot), then enroot's configuration.
    func isEnabled(_ name: String, option: Bool?, job: (String) -> String?) -> Bool {
        if let option { return option }
        return site.isEnabled(name, environment: job(name))
    }
}
