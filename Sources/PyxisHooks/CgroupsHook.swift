// 10-cgroups: bind the hook's own cgroup (its parent in a Slurm step) read-only over each
// hierarchy and remount /sys/fs/cgroup read-only.
import HookSupport
import StandardHooks

enum CgroupsHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        let mounts = try hook.enrootFile("ENROOT_MOUNTS")
        let cgroup = try Files.read("/proc/self/cgroup", what: "cgroup list", missingOK: false) ?? []
        let mountinfo = try Files.read("/proc/self/mountinfo", what: "mount table", missingOK: false) ?? []
        let lines = CgroupMounts.lines(
            cgroup: String(decoding: cgroup, as: UTF8.self), mountinfo: String(decoding: mountinfo, as: UTF8.self),
            stepID: hook[variable: "SLURM_STEP_ID"])
        try Files.append(lines, to: mounts, what: "ENROOT_MOUNTS")
    }
}
