/// How slurmstepd's error lines reach the user's stderr. Up to 24.11 they read
/// `slurmstepd-NODE: error: pyxis: ...`; from 25.05 daemons print to stderr what they log,
/// `[TIME] error: pyxis: ...`, and a step that fails on one node of many no longer says which.
/// From that release the node is named at the end of each headline (the indented lines of an
/// enroot log that follow one keep their shape).
public enum StepdErrorLine {
    public static let dropsNodeName = BatchExport.Release(major: 25, minor: 5)

    public static func text(_ message: String, node: String?, release: BatchExport.Release?) -> String {
        guard let release, release >= dropsNodeName, let node, !node.isEmpty,
              !message.hasPrefix(" ") else { return message }
        return "\(message) (on \(node))"
    }
}
