/// What the first task on a node does to get a container process whose namespaces every task
/// joins, decided from the options, the plugstack settings and (for named containers) one
/// `enroot list -f`.
public struct ContainerPlan: Equatable, Sendable {
    /// Where the image's squashfs file comes from.
    public enum ImageSource: Equatable, Sendable {
        /// The user's squashfs file (absolute).
        case file(String)
        /// `enroot import --output FILE URI`; FILE is removed when the step ends.
        case enrootImport(uri: String, output: String)
        /// `IMPORTER get URI` prints the file; `IMPORTER release` frees it.
        case importer(uri: String)
        /// `enroot load --name NAME URI`: import and create in one command.
        case enrootLoad(uri: String)
        /// `pyxis-image-cache get --cache DIRECTORY URI`: the image's file in the user's cache,
        /// imported there first when no step has; it stays when the step ends.
        case cache(uri: String, directory: String)
    }

    public enum Action: Equatable, Sendable {
        /// Join the running process of a named container (no import, no start).
        case attach(pid: Int32)
        /// Start a new process on an existing container filesystem.
        case start
        /// Get the image, `enroot create` the filesystem, start.
        case createAndStart(ImageSource)
        /// `enroot start FILE` straight from the squashfs file (squashfuse): nothing is
        /// unpacked; the stopped process keeps the mounts alive until the step ends.
        case startFromFile(ImageSource)
    }

    /// The enroot container name (`pyxis_...`).
    public var containerName: String
    public var action: Action
    /// Removed with `enroot remove -f` when the step ends (unnamed containers).
    public var isTemporary: Bool
    /// Messages for `-v` (why this path was taken) and warnings for the user.
    public var verboseNotes: [String] = []
    public var warnings: [String] = []

    /// Whether the node can start from a squashfs file directly, and why (for `-v`).
    public struct SquashfuseSupport: Equatable, Sendable {
        public var available: Bool
        public var reason: String
        public init(available: Bool, reason: String) {
            self.available = available
            self.reason = reason
        }

        /// The rule the plugin and pyxis-doctor share: `enroot start FILE` needs /dev/fuse usable
        /// by the user, squashfuse (or squashfuse_ll), and fuse-overlayfs unless enroot uses the
        /// kernel's overlayfs (`ENROOT_NATIVE_OVERLAYFS`, on by default in enroot 4).
        /// `device`: what is wrong with /dev/fuse, with its fix (nil: usable).
        public static func judge(device: Problem?, squashfuse: String?, fuseOverlayfs: String?, nativeOverlay: Bool)
            -> (support: SquashfuseSupport, problems: [Problem]) {
            var problems: [Problem] = []
            if let device { problems.append(device) }
            if squashfuse == nil { problems.append(Problem("squashfuse is not installed", fix: "apt-get install squashfuse")) }
            if !nativeOverlay, fuseOverlayfs == nil {
                problems.append(Problem("fuse-overlayfs is not installed and ENROOT_NATIVE_OVERLAYFS is off", fix: "apt-get install fuse-overlayfs"))
            }
            if let first = problems.first { return (SquashfuseSupport(available: false, reason: first.text), problems) }
            let found = nativeOverlay ? "\(squashfuse ?? "squashfuse") found, enroot uses native overlayfs"
                : "\(squashfuse ?? "squashfuse") and \(fuseOverlayfs ?? "fuse-overlayfs") found"
            return (SquashfuseSupport(available: true, reason: found), [])
        }

        /// What stands in the way of the fast path, and what fixes it.
        public struct Problem: Equatable, Sendable {
            public var text: String
            public var fix: String
            public init(_ text: String, fix: String) { (self.text, self.fix) = (text, fix) }
        }
    }

    /// True when `decide` may start straight from a squashfs file, and so asks whether the root
    /// filesystem is writable and whether the node can mount squashfs files.
    public static func mayStartFromFile(options: ContainerOptions, config: PluginConfig) -> Bool {
        options.name == nil && options.save == nil && config.useSquashfuse != .off
    }

    /// True when the plan needs to know which containers exist (`enroot list -f`).
    public static func needsListing(_ options: ContainerOptions) -> Bool { options.name != nil }

    /// - Parameters:
    ///   - listing: `enroot list -f` of the job's user; required when `needsListing`.
    ///   - rootfsWritable: whether enroot will make the root filesystem writable (the option,
    ///     else enroot's own setting): `auto` starts such a container only from an unpacked
    ///     filesystem (docs/design.md, "Starting from a squashfs file").
    ///   - squashfuse: checked only when a temporary unsaved container could use it.
    public static func decide(
        options: ContainerOptions,
        config: PluginConfig,
        step: StepInfo,
        listing: EnrootListing?,
        rootfsWritable: Bool,
        imageCache: String? = nil,
        squashfuse: () -> SquashfuseSupport
    ) throws(PyxisError) -> ContainerPlan {
        let containerName = EnrootContainerName.make(
            name: options.name, scope: config.containerScope, step: step)
        var plan = ContainerPlan(containerName: containerName, action: .start, isTemporary: options.name == nil)

        if let name = options.name {
            let exists = listing?.contains(containerName) ?? false
            let pid = listing?.runningPID(of: containerName)
            switch name.flag {
            case .create where exists:
                throw PyxisError("error: \"create\" flag was passed to --container-name but the container already exists (\(containerName); remove it with: enroot remove \(containerName))")
            case .exec where pid == nil:
                throw PyxisError("error: \"exec\" flag was passed to --container-name but the container is not running (\(containerName)\(exists ? "" : " does not exist"))")
            case .exec, .auto:
                if let pid {
                    plan.action = .attach(pid: pid)
                    if !options.mounts.isEmpty {
                        plan.warnings.append("ignoring --container-mounts when attaching to a running container (\(containerName) keeps its own mounts)")
                    }
                    plan.verboseNotes.append("reusing existing container namespaces: attaching to the running container \(containerName) (pid \(pid))")
                    return plan
                }
            case .create, .noExec:
                break
            }
            if exists {
                plan.action = .start
                plan.verboseNotes.append("reusing existing container filesystem: starting \(containerName); the image is not imported")
                return plan
            }
            guard let image = options.image else {
                throw PyxisError("error: a container with name \"\(containerName)\" does not exist, and --container-image is not set (give --container-image to create it on this node)")
            }
            plan.action = .createAndStart(source(for: image, options: options, config: config, step: step,
                                                 allowLoad: true, imageCache: imageCache))
            return plan
        }

        guard let image = options.image else {
            throw PyxisError("no --container-image or --container-name given")
        }
        // Only a temporary container that is not saved can skip the unpacking.
        var direct = false
        if options.save != nil {
            plan.verboseNotes.append("unpacking the image with enroot create: --container-save needs a container filesystem")
        } else {
            switch config.useSquashfuse {
            case .off:
                plan.verboseNotes.append("unpacking the image with enroot create (use_squashfuse=0)")
            case .on:
                direct = true
                plan.verboseNotes.append(rootfsWritable
                    ? "starting directly from the squashfs file (use_squashfuse=1; the writable root filesystem is an overlay: renaming or removing the image's directories fails there)"
                    : "starting directly from the squashfs file (use_squashfuse=1)")
            case .auto where rootfsWritable:
                // enroot starts a squashfs file on an overlay that cannot rename or remove the
                // image's directories (EXDEV/EIO): package managers fail there.
                plan.verboseNotes.append("unpacking the image with enroot create (use_squashfuse=auto: the root filesystem is writable, and only an unpacked one lets the image's directories be renamed or removed)")
            case .auto:
                let support = squashfuse()
                direct = support.available
                plan.verboseNotes.append(direct
                    ? "starting directly from the squashfs file (use_squashfuse=auto: read-only root filesystem, \(support.reason))"
                    : "unpacking the image with enroot create (use_squashfuse=auto: \(support.reason))")
            }
        }
        let source = source(for: image, options: options, config: config, step: step, allowLoad: !direct,
                            imageCache: imageCache)
        plan.action = direct ? .startFromFile(source) : .createAndStart(source)
        return plan
    }

    /// Where the image comes from: the user's file; else the site's importer; else the image
    /// cache (not for `dockerd://`, which has no registry digest); else enroot.
    static func source(
        for image: ImageReference, options: ContainerOptions, config: PluginConfig, step: StepInfo, allowLoad: Bool,
        imageCache: String?
    ) -> ImageSource {
        switch image {
        case .squashfsFile(let path):
            return .file(step.absolute(path))
        case .uri(let uri):
            if config.importer != nil { return .importer(uri: uri) }
            if let imageCache, !uri.hasPrefix("dockerd://") { return .cache(uri: uri, directory: imageCache) }
            if allowLoad, config.useEnrootLoad, !uri.hasPrefix("dockerd://") { return .enrootLoad(uri: uri) }
            return .enrootImport(uri: uri, output: temporarySquashfsPath(config: config, step: step))
        }
    }

    /// `<runtime_path>/<uid>/<jobid>.<stepid>.squashfs`
    public static func temporarySquashfsPath(config: PluginConfig, step: StepInfo) -> String {
        userRuntimeDirectory(config: config, uid: step.uid) + "/" + temporarySquashfsName(step: step)
    }

    /// `<jobid>.<stepid>.squashfs`: what `enroot import` writes in the user's runtime directory.
    public static func temporarySquashfsName(step: StepInfo) -> String { "\(step.stepLabel).squashfs" }

    /// `<runtime_path>/<uid>`: the user's directory for temporary files (0700, owned by them).
    public static func userRuntimeDirectory(config: PluginConfig, uid: UInt32) -> String {
        (config.runtimePath.hasSuffix("/") ? String(config.runtimePath.dropLast()) : config.runtimePath) + "/\(uid)"
    }
}
