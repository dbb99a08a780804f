/// `runtime_path` (default /run/pyxis): slurmd creates it (0755) when it starts; every job makes
/// `<runtime_path>/<uid>` in it as root. It must be root's alone, or a user could plant files
/// or links where root creates the user's directory; users must be able to traverse it.
public enum RuntimePathCheck {
    public static let name = "runtime_path"

    public struct Facts: Equatable, Sendable {
        public var path: String
        public var info: FileInfo?

        public init(path: String, info: FileInfo?) {
            self.path = path
            self.info = info
        }
    }

    public static func gather(_ node: NodeProbe, path: String) -> Facts {
        Facts(path: path, info: node.info(path))
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let path = facts.path
        let create = "restart slurmd (pyxis creates it when slurmd starts), or `install -d -m 0755 -o root -g root \(path)`"
        guard let info = facts.info else {
            return .failure(name, "\(path) does not exist: container steps fail to create the user's directory in it", fix: create)
        }
        switch info.kind {
        case .directory: break
        case .symlink:
            return .failure(name, "\(path) is a symbolic link (pyxis never follows one there)", fix: "remove it, then \(create)")
        default:
            return .failure(name, "\(path) is not a directory", fix: "remove it, then \(create)")
        }
        let found = "\(path) (owner uid \(info.uid), mode \(info.octalMode))"
        guard info.uid == 0 else {
            return .failure(name, "\(found) is not root's: its owner could plant links where root makes users' directories",
                            fix: "chown root:root \(path)")
        }
        guard info.mode & 0o022 == 0 else {
            return .failure(name, "\(found) is writable by group or others", fix: "chmod 0755 \(path)")
        }
        guard info.mode & 0o001 != 0 else {
            return .failure(name, "\(found) cannot be traversed by users (their steps use <runtime_path>/<uid>)", fix: "chmod 0755 \(path)")
        }
        return .ok(name, "\(path) exists (root, \(info.octalMode))")
    }
}
