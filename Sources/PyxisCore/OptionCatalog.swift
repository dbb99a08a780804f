/// Every `--container-*` option the plugin registers with Slurm, with its help text.
///
/// The raw value is the `val` Slurm hands back to the option callback; the catalog is the
/// single source of the option table (the C shim only copies it into `struct spank_option`).
public enum OptionID: Int32, CaseIterable, Sendable {
    case image = 1
    case mounts
    case workdir
    case name
    case save
    case mountHome
    case noMountHome
    case remapRoot
    case noRemapRoot
    case entrypoint
    case noEntrypoint
    case entrypointLog
    case writable
    case readonly
    case env
    case unshare
    case dryRun

    /// The long option name, without the leading `--`.
    public var name: String {
        switch self {
        case .image: "container-image"
        case .mounts: "container-mounts"
        case .workdir: "container-workdir"
        case .name: "container-name"
        case .save: "container-save"
        case .mountHome: "container-mount-home"
        case .noMountHome: "no-container-mount-home"
        case .remapRoot: "container-remap-root"
        case .noRemapRoot: "no-container-remap-root"
        case .entrypoint: "container-entrypoint"
        case .noEntrypoint: "no-container-entrypoint"
        case .entrypointLog: "container-entrypoint-log"
        case .writable: "container-writable"
        case .readonly: "container-readonly"
        case .env: "container-env"
        case .unshare: "container-unshare"
        case .dryRun: "container-dry-run"
        }
    }

    public var flag: String { "--" + name }

    /// How the "ignoring ... because neither --container-image nor --container-name is set"
    /// warning names the option: a `--x`/`--no-x` pair as one, `--[no-]x`, as pyxis does.
    public var ignoredName: String {
        switch self {
        case .mountHome, .noMountHome: "--[no-]container-mount-home"
        case .remapRoot, .noRemapRoot: "--[no-]container-remap-root"
        case .entrypoint, .noEntrypoint: "--[no-]container-entrypoint"
        default: flag
        }
    }

    /// The argument's one-word description, or nil for options that take no argument.
    public var argInfo: String? {
        switch self {
        case .image: "[USER@][REGISTRY#]IMAGE[:TAG]|PATH"
        case .mounts: "SRC:DST[:FLAGS][,SRC:DST...]"
        case .workdir: "PATH"
        case .name: "NAME[:FLAG]"
        case .save: "PATH"
        case .env: "NAME[,NAME...]"
        case .unshare: "NAMESPACE[,NAMESPACE...]"
        default: nil
        }
    }

    public var takesArgument: Bool { argInfo != nil }

    public var usage: String {
        let text: String
        switch self {
        case .image:
            text = "the image to use for the container filesystem. Can be either a docker image given as an enroot URI, or a path to a squashfs file on the remote host filesystem."
        case .mounts:
            text = "bind mount[s] inside the container. Mount flags are separated with \"+\", e.g. \"ro+rprivate\". SRC may also be \"tmpfs\" or \"umount\"."
        case .workdir:
            text = "working directory inside the container"
        case .name:
            text = "name to use for saving and loading the container on the host. Unnamed containers are removed after the slurm task is complete; named containers are not. If a container with this name already exists, the existing container is used and the import is skipped. FLAG is one of auto (default), create, exec, no_exec."
        case .save:
            text = "Save the container state to a squashfs file on the remote host filesystem."
        case .mountHome:
            text = "bind mount the user's home directory. System-level enroot settings might cause this directory to be already-mounted."
        case .noMountHome:
            text = "do not bind mount the user's home directory"
        case .remapRoot:
            text = "ask to be remapped to root inside the container. Does not grant elevated system permissions, despite appearances."
        case .noRemapRoot:
            text = "do not remap to root inside the container"
        case .entrypoint:
            text = "execute the entrypoint from the container image"
        case .noEntrypoint:
            text = "do not execute the entrypoint from the container image"
        case .entrypointLog:
            text = "print the output of the entrypoint script"
        case .writable:
            text = "make the container filesystem writable"
        case .readonly:
            text = "make the container filesystem read-only"
        case .env:
            text = "names of environment variables to override with the host environment and set at the entrypoint. By default, all exported host environment variables are set in the container after the entrypoint is run, but their existing values in the image take precedence; the variables specified with this flag are preserved from the host and set before the entrypoint runs"
        case .unshare:
            text = "unshare these namespaces from the host: any of net, ipc, uts"
        case .dryRun:
            text = "print what the step would do on each node (the options and where each came from, the image, the way the container is made, the enroot commands, the start configuration, the hooks) and exit without starting anything"
        }
        return "[pyxis] " + text
    }

    /// The `PYXIS_*` variable that supplies this option's default when it is not given.
    /// Negated flags share the variable of their positive twin.
    public var environmentVariable: String {
        switch self {
        case .image: "PYXIS_CONTAINER_IMAGE"
        case .mounts: "PYXIS_CONTAINER_MOUNTS"
        case .workdir: "PYXIS_CONTAINER_WORKDIR"
        case .name: "PYXIS_CONTAINER_NAME"
        case .save: "PYXIS_CONTAINER_SAVE"
        case .mountHome, .noMountHome: "PYXIS_CONTAINER_MOUNT_HOME"
        case .remapRoot, .noRemapRoot: "PYXIS_CONTAINER_REMAP_ROOT"
        case .entrypoint, .noEntrypoint: "PYXIS_CONTAINER_ENTRYPOINT"
        case .entrypointLog: "PYXIS_CONTAINER_ENTRYPOINT_LOG"
        case .writable: "PYXIS_CONTAINER_WRITABLE"
        case .readonly: "PYXIS_CONTAINER_READONLY"
        case .env: "PYXIS_CONTAINER_ENV"
        case .unshare: "PYXIS_CONTAINER_UNSHARE"
        case .dryRun: "PYXIS_CONTAINER_DRY_RUN"
        }
    }
}
