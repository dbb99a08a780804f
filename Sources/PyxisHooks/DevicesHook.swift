// 10-devices: a private /dev (ENROOT_RESTRICT_DEV) and private IPC mounts (ENROOT_UNSHARE_IPC).
// The mounts go through one enroot-mount process, which gives them enroot's own semantics
// (x-create, x-detach, nofail, silent).
import Glibc
import HookSupport
import StandardHooks

enum DevicesHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        let unshareIPC = hook[variable: "ENROOT_UNSHARE_IPC"].map { !$0.isEmpty } ?? false
        guard DeviceMounts.isRequested(restrictDev: hook[variable: "ENROOT_RESTRICT_DEV"], unshareIPC: hook[variable: "ENROOT_UNSHARE_IPC"]) else {
            return
        }
        let root = try hook.imageRoot()
        var console: String?
        if isatty(0) != 0 {
            guard let terminal = FileSystem.canonical("/dev/stdin") else { throw HookFailure("No such file or directory: /dev/stdin") }
            console = terminal
        }
        let table = DeviceMounts.table(unshareIPC: unshareIPC, console: console)
        guard let result = Subprocess.run(["enroot-mount", "--root", root.path, "-"], input: Array(table.utf8)) else {
            throw HookFailure("cannot run enroot-mount: \(String(cString: strerror(errno)))")
        }
        // enroot-mount printed its own error.
        guard result.status == 0 else { exit(result.status) }
        for link in DeviceMounts.links {
            try FileSystem.symlink(link.target, at: try root.entry("/dev/\(link.name)"))
        }
    }
}
