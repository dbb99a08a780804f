// swift-tools-version:6.0
//
// swift-pyxis: a Slurm SPANK plugin that runs tasks in enroot containers, plus enroot hooks.
//
// Layout (see README "Architecture" and docs/design.md):
//   Sources/PyxisFront         the plugin Slurm loads: a C front that loads the Swift core when needed
//   Sources/PlugstackCheck     the front's fast C reading of the plugstack line (checked against PluginConfig)
//   Sources/PyxisPlugin        the Swift core: @_cdecl entry points, the Slurm-facing host (libspank_pyxis_core.so)
//   Sources/PyxisPlugin/CSpank C shim: typed variadic wrappers
//   Sources/PyxisCore          pure option/config/plan logic (no Slurm, no libc): unit-tested on its own
//   Sources/PyxisSystem        syscall wrappers (CSystem: their C shim)
//   Sources/PyxisLifecycle     the container lifecycle over protocols, unit-tested with fakes
//   Sources/EnvRemap           pure environment remapping rules shared by hooks and plugin
//   Sources/SeccompFilter      libseccomp fake-success filter
//   Sources/Hooks              one small executable per enroot hook
//   Sources/Doctor             pyxis-doctor: checks that a node is ready (CDoctor: its C shim)
//   Sources/StandardHooks      pure decisions of enroot's standard hooks (passwd/group, cgroups, devices)
import PackageDescription
import Foundation

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// Linker flags that make the core well-behaved inside Slurm: export only the entry points the
/// C front calls, never be unloaded (a Swift image cannot be dlclose'd safely), bind eagerly.
let pluginLinkerFlags: [String] = [
    // lld turns references to our own (now local) symbols into relative relocations; gold
    // leaves them in .dynsym, where `nm -D` would show them.
    "-use-ld=lld",
    "-Xlinker", "--version-script=\(root)/Sources/PyxisPlugin/CSpank/core-exports.map",
    "-Xlinker", "-z", "-Xlinker", "nodelete",
    "-Xlinker", "-z", "-Xlinker", "now",
    "-Xlinker", "--gc-sections",
]

/// The plugin's modules must not use the regex engine: `_StringProcessing` adds 1.4 MB to the
/// plugin and to every srun's load time. Without its implicit import, a use is a compile error.
let noRegexEngine: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-disable-implicit-string-processing-module-import"]),
]

let package = Package(
    name: "swift-pyxis",
    products: [
        .library(name: "spank_pyxis_core", type: .dynamic, targets: ["PyxisPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure option, configuration and planning logic (no Slurm, no libc): unit-tested on its own.
        .target(name: "PyxisCore", dependencies: ["EnvRemap"], path: "Sources/PyxisCore", swiftSettings: noRegexEngine),
        // Every system call the plugin makes, each throwing SystemError; CSystem is its C shim
        // (fork/exec, the tasks' shared page, namespaces).
        .target(name: "CSystem", path: "Sources/PyxisSystem/CSystem"),
        .target(name: "PyxisSystem", dependencies: ["CSystem"], path: "Sources/PyxisSystem", exclude: ["CSystem"], swiftSettings: noRegexEngine),
        // The container lifecycle in slurmstepd (set-up, join, teardown, job epilog) over the
        // StepHost, Enroot, Importer, StepNode and TaskRendezvous protocols.
        .target(name: "PyxisLifecycle", dependencies: ["PyxisCore", "PyxisSystem", "SeccompFilter"], path: "Sources/PyxisLifecycle", swiftSettings: noRegexEngine),
        // The Slurm-facing core: @_cdecl entry points, the SPANK host, one file per context.
        .target(
            name: "CSpank",
            path: "Sources/PyxisPlugin/CSpank",
            exclude: ["core-exports.map"]
        ),
        .target(
            name: "PyxisPlugin",
            dependencies: ["PyxisCore", "CSpank", "PyxisSystem", "PyxisLifecycle"],
            path: "Sources/PyxisPlugin",
            exclude: ["CSpank", "README.md"],
            swiftSettings: noRegexEngine,
            linkerSettings: [.unsafeFlags(pluginLinkerFlags)]
        ),

        // The C front (Sources/PyxisFront/front.c, built by the Makefile) registers the options
        // in slurmstepd from a table this prints.
        .executableTarget(name: "pyxis-option-table", dependencies: ["PyxisCore"], path: "Sources/PyxisFront/OptionTable", swiftSettings: noRegexEngine),

        // Environment remapping rules (pure) and the enroot hooks that use them.
        .target(name: "EnvRemap", path: "Sources/EnvRemap", swiftSettings: noRegexEngine),
        .target(name: "HookSupport", dependencies: ["EnvRemap", "StandardHooks"], path: "Sources/Hooks/Support", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-pytorch", dependencies: ["HookSupport", "EnvRemap"], path: "Sources/Hooks/PyTorch", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-pmi", dependencies: ["HookSupport", "EnvRemap"], path: "Sources/Hooks/PMI", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-home", dependencies: ["HookSupport", "EnvRemap"], path: "Sources/Hooks/Home", swiftSettings: noRegexEngine),
        // enroot's standard hooks (hooks.d/10-*.sh, 98-nvidia.sh, 99-mellanox.sh) as executables;
        // StandardHooks holds their pure decisions (account databases, cgroup and device tables).
        .target(name: "StandardHooks", dependencies: ["EnvRemap"], path: "Sources/StandardHooks", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-aptfix", dependencies: ["HookSupport"], path: "Sources/Hooks/AptFix", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-cgroups", dependencies: ["HookSupport", "StandardHooks"], path: "Sources/Hooks/Cgroups", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-devices", dependencies: ["HookSupport", "StandardHooks"], path: "Sources/Hooks/Devices", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-localtime", dependencies: ["HookSupport"], path: "Sources/Hooks/Localtime", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-shadow", dependencies: ["HookSupport", "StandardHooks"], path: "Sources/Hooks/Shadow", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-nvidia", dependencies: ["HookSupport", "StandardHooks"], path: "Sources/Hooks/Nvidia", swiftSettings: noRegexEngine),
        .executableTarget(name: "pyxis-hook-mellanox", dependencies: ["HookSupport", "StandardHooks"], path: "Sources/Hooks/Mellanox", swiftSettings: noRegexEngine),

        // libseccomp fake-success filter, and a command that installs it and execs a program.
        // C shim: typed wrappers for libseccomp's variadic rule_add and its macro constants.
        .target(
            name: "CSeccomp",
            path: "Sources/SeccompFilter/CSeccomp",
            linkerSettings: [.linkedLibrary("seccomp")]
        ),
        .target(
            name: "SeccompFilter",
            dependencies: ["CSeccomp"],
            path: "Sources/SeccompFilter",
            exclude: ["CSeccomp", "Exec", "README.md"],
            swiftSettings: noRegexEngine
        ),
        .executableTarget(name: "pyxis-seccomp-exec", dependencies: ["SeccompFilter"], path: "Sources/SeccompFilter/Exec", swiftSettings: noRegexEngine),

        // The image cache (docs/image-cache.md): squashfs files by digest, one producer per
        // image across nodes; and pyxis-image-cache, its command for users, sites and the plugin.
        .target(name: "ImageCache", dependencies: ["PyxisCore", "PyxisSystem", "EnvRemap"], path: "Sources/ImageCache"),
        .executableTarget(
            name: "pyxis-image-cache",
            dependencies: ["ImageCache", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/ImageCacheCommand"
        ),

        // pyxis-doctor (README "pyxis-doctor"): is this node ready for pyxis? Each check's verdict
        // is a pure function of facts gathered through NodeProbe; CDoctor holds the trial that
        // forks a child as the user.
        .target(name: "CDoctor", path: "Sources/Doctor/CDoctor"),
        .target(name: "PyxisDoctor", dependencies: ["PyxisCore", "EnvRemap", "PyxisSystem", "CDoctor"], path: "Sources/Doctor",
                exclude: ["CDoctor", "Command"], swiftSettings: noRegexEngine),
        .executableTarget(
            name: "pyxis-doctor",
            dependencies: ["PyxisDoctor", "CDoctor", "PyxisSystem", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Doctor/Command"
        ),

        .testTarget(name: "PyxisCoreTests", dependencies: ["PyxisCore"]),
        // The front's C reading of the plugstack line (built into spank_pyxis.so by the Makefile),
        // compared with PluginConfig here.
        .target(name: "PlugstackCheck", path: "Sources/PlugstackCheck"),
        .testTarget(name: "PlugstackCheckTests", dependencies: ["PlugstackCheck", "PyxisCore"]),
        .testTarget(name: "ImageCacheTests", dependencies: ["ImageCache"]),
        .testTarget(name: "PyxisSystemTests", dependencies: ["PyxisSystem"]),
        .testTarget(name: "PyxisLifecycleTests", dependencies: ["PyxisLifecycle"]),
        .testTarget(name: "EnvRemapTests", dependencies: ["EnvRemap"]),
        // The hook executables are dependencies so `swift test` builds them next to the test
        // bundle; the contract tests run them as enroot would.
        .testTarget(
            name: "HooksTests",
            dependencies: [
                "HookSupport", "EnvRemap", "StandardHooks", "pyxis-hook-pytorch", "pyxis-hook-pmi", "pyxis-hook-home",
                "pyxis-hook-aptfix", "pyxis-hook-cgroups", "pyxis-hook-devices", "pyxis-hook-localtime",
                "pyxis-hook-shadow", "pyxis-hook-nvidia", "pyxis-hook-mellanox",
            ]
        ),
        .testTarget(name: "PyxisDoctorTests", dependencies: ["PyxisDoctor"]),
        .testTarget(name: "SeccompFilterTests", dependencies: ["SeccompFilter", "pyxis-seccomp-exec"]),
    ]
)
