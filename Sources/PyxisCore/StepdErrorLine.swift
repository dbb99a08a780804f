/// How slurmstepd's error lines reach the user's stderr. 22.05 (Debian's) writes
/// `slurmstepd-NODE: error: pyxis: ...`; from 23.11 the node is in that prefix only in builds
/// for several slurmd per host (`slurmstepd: error: ...` otherwise), and from 25.05 daemons print
/// to stderr what they log (`[TIME] error: ...`). So a step that fails on one node of many no
/// longer says which: from 23.11 the node is named at the end of each headline (the indented
/// lines of an enroot log that follow one keep their shape).
public enum StepdErrorLine {
    public static let dropsNodeName = BatchExport.Release(major: 23, minor: 11)

    public static func text(_ message: String, node: String?, release: BatchExport.Release?) -> String {
        guard let release, release >= dropsNodeName, let node, !node.isEmpty,
              !message.hasPrefix(" ") else { return message }
        return "\(message) (on \(node))"
    }
}
