// enroot hook: in a Debian image with a remapped root, tell apt not to drop privileges to _apt
// (that user cannot exist in a user namespace). Installed as hooks.d/10-aptfix.sh.
import HookSupport

Hook.main("aptfix") { hook throws(HookFailure) in
    let root = try hook.imageRoot()
    guard FileSystem.kind(try root.target("/etc/debian_version")) == .regular else { return }
    guard let remapRoot = hook[variable: "ENROOT_REMAP_ROOT"], !remapRoot.isEmpty else { return }
    try root.makeDirectories("/etc/apt/apt.conf.d")
    try FileSystem.overwrite(try root.entry("/etc/apt/apt.conf.d/enroot"), Array("APT::Sandbox::User \"root\";\n".utf8))
}
