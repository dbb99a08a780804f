import PyxisCore

/// What every phase of one step's container knows: the step, its resolved options and the
/// plugstack settings, and the names derived from them once.
public struct StepContext {
    public let host: StepHost
    public let config: PluginConfig
    public let options: ContainerOptions
    public let step: StepInfo
    /// The batch script, bind-mounted read-only at its own path in the batch step.
    public let batchScript: String?
    /// `<runtime_path>/<uid>`.
    public let runtimeDirectory: String
    /// The enroot name of the step's container (`pyxis_...`).
    public let containerName: String

    public init(host: StepHost, config: PluginConfig, options: ContainerOptions, step: StepInfo, batchScript: String?) {
        self.host = host
        self.config = config
        self.options = options
        self.step = step
        self.batchScript = batchScript
        self.runtimeDirectory = ContainerPlan.userRuntimeDirectory(config: config, uid: step.uid)
        self.containerName = EnrootContainerName.make(name: options.name, scope: config.containerScope, step: step)
    }

    /// `--container-image` as the user wrote it, for pyxis's messages.
    var imageText: String { options.imageText ?? "" }

    /// The user's image cache directory for a registry image (docs/image-cache.md), or nil
    /// when the step uses none; the set-up and the teardown agree on it.
    func imageCacheDirectory(node: NodeFacts) throws(PyxisError) -> String? {
        guard case .uri = options.image, config.imageCache != nil || config.imageCacheUser else { return nil }
        return try ImageCachePath.directory(
            config: config, jobVariable: host.jobEnvironment("PYXIS_IMAGE_CACHE"),
            userName: node.userName(uid: step.uid) ?? "", uid: step.uid)
    }

    /// `/a/b/c` → (`/a/b`, `c`); `/c` → (`/`, `c`); `c` → (`.`, `c`).
    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}

/// The enroot, importer and node operations a phase runs through.
public struct StepTools {
    public let enroot: Enroot
    public let importer: Importer?
    public let facts: NodeFacts
    public let files: NodeFiles
    public let processes: ContainerProcesses
    public let imageCache: ImageCacheClient?

    /// One node object serving all three parts (the real one, a fake).
    public init(enroot: Enroot, importer: Importer?, node: StepNode, imageCache: ImageCacheClient? = nil) {
        self.init(enroot: enroot, importer: importer, facts: node, files: node, processes: node, imageCache: imageCache)
    }

    public init(enroot: Enroot, importer: Importer?, facts: NodeFacts, files: NodeFiles, processes: ContainerProcesses,
                imageCache: ImageCacheClient?) {
        self.enroot = enroot
        self.importer = importer
        self.facts = facts
        self.files = files
        self.processes = processes
        self.imageCache = imageCache
    }
}
