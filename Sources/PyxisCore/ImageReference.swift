import EnvRemap

/// What `--container-image` names: a squashfs file on the node, or an enroot image URI.
///
/// Accepted forms:
/// - `./img.sqsh`, `/shared/img.sqsh` → a squashfs file (relative paths resolve against the
///   job's working directory on the node);
/// - `docker://...`, `dockerd://...` → passed to enroot unchanged;
/// - `ubuntu:24.04`, `nvcr.io#nvidia/pytorch:24.01-py3`, `user@registry#image` → `docker://` is
///   prefixed.
///
/// Rejected: `""`, `docker://` (nothing after the scheme), `podman://x` and other schemes
/// (enroot would be handed `docker://podman://x`), values with control characters or spaces.
public enum ImageReference: Equatable, Sendable {
    case squashfsFile(String)
    case uri(String)

    static let passthroughSchemes = ["docker://", "dockerd://"]

    public init(parsing value: String) throws(PyxisError) {
        guard !value.isEmpty else {
            throw PyxisError("argument required (expected [USER@][REGISTRY#]IMAGE[:TAG] or a path to a squashfs file)")
        }
        guard !value.hasControlCharacter, !value.containsByte(" ") else {
            throw PyxisError("\(quoted(value)) contains a space or control character, which no image name or path here may contain")
        }
        if value.hasPrefix("/") || value.hasPrefix(".") {
            self = .squashfsFile(value)
            return
        }
        for scheme in Self.passthroughSchemes where value.hasPrefix(scheme) {
            guard value.count > scheme.count else {
                throw PyxisError("\(quoted(value)) names no image after \(scheme)")
            }
            self = .uri(value)
            return
        }
        if let separator = value.firstIndex(ofSubstring: "://") {
            let scheme = String(value[..<separator]) + "://"
            throw PyxisError("unsupported URI scheme \(quoted(scheme)) in \(quoted(value)); use docker://, dockerd://, a registry image such as ubuntu:24.04, or a squashfs path starting with / or .")
        }
        self = .uri("docker://" + value)
    }
}
