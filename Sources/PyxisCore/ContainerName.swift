/// `--container-name=NAME[:FLAG]`: a container kept on the node under this name.
///
/// Accepted: `train`, `train:auto`, `train:create`, `train:exec`, `train:no_exec`.
/// Rejected: `""`, `:exec` (no name), `a/b` (enroot keeps containers as directories),
/// `train:run` (unknown flag), `a b` (breaks `enroot list -f` columns), names too long to be
/// a file name once prefixed with `pyxis_<jobid>_`.
public struct ContainerName: Equatable, Sendable {
    public enum Flag: String, CaseIterable, Sendable {
        /// Use the container if it exists (attach if running), create it otherwise.
        case auto
        /// Fail if the container already exists.
        case create
        /// Fail unless the container is running; attach to it.
        case exec
        /// Never attach to a running process; start a new one on the filesystem.
        case noExec = "no_exec"
    }

    public let name: String
    public let flag: Flag

    /// Longest name we accept: NAME_MAX (255) minus `pyxis_`, the longest job id (10 digits
    /// of a uint32) and `_`, so the enroot container name is a valid file name in every scope.
    public static let maximumLength = 255 - "pyxis_".count - 10 - 1

    public init(parsing value: String) throws(PyxisError) {
        guard !value.isEmpty else {
            throw PyxisError("argument required (expected NAME[:FLAG], e.g. mycontainer:exec)")
        }
        let colon = value.firstIndex(of: ":")
        let name = value[..<(colon ?? value.endIndex)]
        guard !name.isEmpty else {
            throw PyxisError("empty name in \(quoted(value)) (expected NAME[:FLAG], e.g. mycontainer:exec)")
        }
        if let colon {
            let flagText = String(value[value.index(after: colon)...])
            guard let flag = Flag(rawValue: flagText) else {
                throw PyxisError("flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got \(quoted(flagText)) in \(quoted(value)))")
            }
            self.flag = flag
        } else {
            self.flag = .auto
        }
        guard !name.containsByte("/"), name != ".", name != ".." else {
            throw PyxisError("invalid name \(quoted(String(name))): a container name may not contain '/' or be '.' or '..'")
        }
        guard !name.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7f }) else {
            throw PyxisError("invalid name \(quoted(String(name))): a container name may not contain spaces or control characters")
        }
        guard name.utf8.count <= Self.maximumLength else {
            throw PyxisError("the name \(quoted(String(name.prefix(32))))... is \(name.utf8.count) bytes long; at most \(Self.maximumLength) are allowed")
        }
        self.name = String(name)
    }
}
