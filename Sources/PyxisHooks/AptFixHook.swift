// 10-aptfix: in a Debian image with a remapped root, tell apt not to drop privileges to _apt
// (that user cannot exist in a user namespace).
import HookSupport

enum AptFixHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        let root = try hook.imageRoot()
        guard FileSystem.kind(try root.target("/etc/debian_version")) == .regular else { return }
        guard let remapRoot = hook[variable: "ENROOT_REMAP_ROOT"], !remapRoot.isEmpty else { return }
        try root.makeDirectories("/etc/apt/apt.conf.d")
        try FileSystem.overwrite(try root.entry("/etc/apt/apt.conf.d/enroot"), Array("APT::Sandbox::User \"root\";\n".utf8))
    }
}
