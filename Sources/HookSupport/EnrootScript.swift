// The hand-over of 98-nvidia and 99-mellanox to enroot's own scripts when there is work to do.
import Glibc

public enum EnrootScript {
    /// Where `make install` copies enroot's original hook scripts: `enroot-hooks/` beside
    /// `pyxis-tools` ($(LIBEXECDIR)/pyxis/enroot-hooks/), found from /proc/self/exe so that
    /// no variable a user controls can point it elsewhere.
    public static func path(_ name: String) -> String {
        let executable = FileSystem.readLink("/proc/self/exe") ?? ""
        return FileSystem.directoryName(executable) + "/enroot-hooks/" + name
    }

    /// Runs enroot's script in place of the hook (same environment, same files); returns only
    /// with the reason it could not.
    public static func handOver(_ name: String, reason: String) -> HookFailure {
        let script = path(name)
        guard FileSystem.kind(script) == .regular else {
            return HookFailure("\(reason), which enroot's own \(name) handles, but it is not installed at \(script) (make install copies it from enroot's hooks.d)")
        }
        return Subprocess.exec(script)
    }
}
