/// enroot's `10-cgroups.sh`: for each hierarchy in `/proc/self/cgroup`, the mount point of that
/// hierarchy in `/proc/self/mountinfo` and a read-only bind of the hook's own cgroup (its parent
/// inside a Slurm step) over it; then `/sys/fs/cgroup` remounted read-only.
///
///     4:memory:/job/step   + "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"
///       → "/sys/fs/cgroup/memory/job/step /sys/fs/cgroup/memory none x-create=dir,rbind,..."
///     0::/user.slice       + "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw"
///       → "/sys/fs/cgroup/user.slice/.. /sys/fs/cgroup none ..." when SLURM_STEP_ID is set
///
/// Paths are written as the script writes them (no fstab escaping).
public enum CgroupMounts {
    public static let remountLine = "none /sys/fs/cgroup none rbind,remount,nosuid,noexec,nodev,ro,rslave,nofail,silent\n"

    public static func lines(cgroup: String, mountinfo: String, stepID: String?) -> String {
        let mounts = mountinfo.terminatedLines
        var text = ""
        for line in cgroup.terminatedLines {
            // `IFS=: read -r x ctrl path`: the path is everything after the second colon.
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            let controllers = parts.count > 1 ? parts[1] : ""
            let path = parts.count > 2 ? parts[2] : ""
            guard let mount = mounts.first(where: { mountsHierarchy($0, controllers) }) else { continue }
            let fields = String(mount).blankSeparatedFields
            guard fields.count > 4, !fields[3].isEmpty, !fields[4].isEmpty else { continue }
            let root = fields[3], point = fields[4]
            // `${path#${root}}`
            let relative = path.hasPrefix(root) ? path.dropFirst(root.count) : path
            let parent = (stepID?.isEmpty ?? true) ? "" : "/.."
            text += "\(point)/\(relative)\(parent) \(point) none x-create=dir,rbind,nosuid,noexec,nodev,ro\n"
        }
        return text + remountLine
    }

    /// `grep "\- cgroup cgroup [^ ]*CTRL"` (v1) or `grep "\- cgroup2 cgroup"` (v2, no controller).
    static func mountsHierarchy(_ line: Substring, _ controllers: Substring) -> Bool {
        let bytes = Array(line.utf8)
        if controllers.isEmpty { return bytes.firstOffset(of: cgroup2Marker) != nil }
        let wanted = Array(controllers.utf8)
        var from = 0
        while let marker = bytes.firstOffset(of: cgroupMarker, from: from) {
            // CTRL must start inside the first field after the marker.
            var start = marker + cgroupMarker.count
            while true {
                if bytes.hasBytes(wanted, at: start) { return true }
                if start >= bytes.count || bytes[start] == UInt8(ascii: " ") { break }
                start += 1
            }
            from = marker + 1
        }
        return false
    }

    static let cgroupMarker = Array("- cgroup cgroup ".utf8)
    static let cgroup2Marker = Array("- cgroup2 cgroup".utf8)
}
