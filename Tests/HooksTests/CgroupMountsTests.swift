import StandardHooks
import Testing

/// 10-cgroups: mount lines from /proc/self/cgroup and /proc/self/mountinfo, as the script's
/// `grep -m1` and `${path#${root}}` compute them.
struct CgroupMountsTests {
    static let mountinfo = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        44 31 0:39 /slurm /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw

        """
    static let options = "none x-create=dir,rbind,nosuid,noexec,nodev,ro\n"

    @Test func everyHierarchyOutsideAStep() {
        let cgroup = "2:cpuacct:/a\n1:cpu:/a\n9:name=systemd:/user.slice\n0::/\n"
        #expect(CgroupMounts.lines(cgroup: cgroup, mountinfo: Self.mountinfo, stepID: nil) == """
            /sys/fs/cgroup/cpuacct/a /sys/fs/cgroup/cpuacct \(Self.options)\
            /sys/fs/cgroup/cpu/a /sys/fs/cgroup/cpu \(Self.options)\
            /sys/fs/cgroup/systemd/user.slice /sys/fs/cgroup/systemd \(Self.options)\
            /sys/fs/cgroup/unified/ /sys/fs/cgroup/unified \(Self.options)\
            \(CgroupMounts.remountLine)
            """)
    }

    @Test func insideAStepTheParentAndTheMountRootRemoved() {
        let cgroup = "4:memory:/slurm/job1/step0\n"
        #expect(CgroupMounts.lines(cgroup: cgroup, mountinfo: Self.mountinfo, stepID: "0")
            == "/sys/fs/cgroup/memory//job1/step0/.. /sys/fs/cgroup/memory \(Self.options)\(CgroupMounts.remountLine)")
    }

    @Test(arguments: [
        "7:blkio:/x\n",          // no such hierarchy mounted
        "3:cpu:/x",              // unterminated line: `read` does not see it
        "",
    ])
    func nothingButTheRemount(_ cgroup: String) {
        #expect(CgroupMounts.lines(cgroup: cgroup, mountinfo: Self.mountinfo, stepID: nil) == CgroupMounts.remountLine)
    }
}

struct DeviceMountsTests {
    @Test func requestedBySetVariablesOnly() {
        #expect(!DeviceMounts.isRequested(restrictDev: nil, unshareIPC: ""))
        #expect(DeviceMounts.isRequested(restrictDev: "y", unshareIPC: nil))
        #expect(DeviceMounts.isRequested(restrictDev: nil, unshareIPC: "0"))
    }

    @Test func ipcAndConsoleLines() {
        let shared = DeviceMounts.table(unshareIPC: false, console: nil)
        #expect(shared.hasPrefix("none /dev none x-detach,nofail,silent\n"))
        #expect(shared.split(separator: "\n").count == 13)
        #expect(shared.split(separator: "\n").contains("/dev/shm /dev/shm none x-create=dir,bind,rw,nosuid,noexec,nodev,rslave"))
        let private_ = DeviceMounts.table(unshareIPC: true, console: "/dev/pts/3")
        #expect(private_.split(separator: "\n").count == 16)
        #expect(private_.hasSuffix("/dev/pts/3 /dev/console none x-create=file,bind,rw,nosuid,noexec,private\n"))
        #expect(DeviceMounts.links.map(\.name) == ["fd", "ptmx", "stdin", "stdout", "stderr"])
    }
}
