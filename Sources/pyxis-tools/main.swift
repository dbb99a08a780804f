// pyxis-tools: the hooks, pyxis-seccomp-exec and pyxis-image-cache in one executable, run as the
// link named for each (Tool.swift). One copy of the Swift runtime instead of twelve.
import Glibc
import HookSupport
import ImageCacheCommand
import PyxisHooks
import SeccompExec

switch Invocation.resolve(CommandLine.arguments, readLink: FileSystem.readLink) {
case .run(let invocation):
    switch invocation.tool {
    case .hook(let hook): hook.main()
    case .seccompExec: exit(SeccompExec.main(arguments: invocation.arguments))
    case .imageCache: PyxisImageCache.main(arguments: invocation.arguments)
    }
case .list:
    _ = writeAll(1, Invocation.listing)
    exit(0)
case .usage(let message):
    _ = writeAll(2, "pyxis-tools: \(message)\n")
    exit(2)
}
