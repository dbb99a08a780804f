// swift-tools-version:6.0
//
// swift-pyxis: a Slurm SPANK plugin that runs tasks in enroot containers, plus enroot hooks.
//
// One folder per module under Sources/, named as the module; docs/design.md, "Modules", says
// what each one does and what it may depend on.
import PackageDescription
import Foundation

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// Linker flags that make the core well-behaved inside Slurm: export only the entry points the
/// C front calls, never be unloaded (a Swift image cannot be dlclose'd safely), bind eagerly.
let pluginLinkerFlags: [String] = [
    // lld turns references to our own (now local) symbols into relative relocations; gold
    // leaves them in .dynsym, where `nm -D` would show them.
    "-use-ld=lld",
    "-Xlinker", "--version-script=\(root)/Sources/CSpank/core-exports.map",
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
        // The plugin: pure decisions, the system calls, the container lifecycle, the Swift core
        // Slurm's C front loads (PyxisFront, built by the Makefile), and their C shims.
        .target(name: "PyxisCore", dependencies: ["EnvRemap"], swiftSettings: noRegexEngine),
        .target(name: "CSystem"),
        .target(name: "PyxisSystem", dependencies: ["CSystem"], swiftSettings: noRegexEngine),
        .target(name: "PyxisLifecycle", dependencies: ["PyxisCore", "PyxisSystem", "SeccompFilter"], swiftSettings: noRegexEngine),
        .target(name: "CSpank", exclude: ["core-exports.map"]),
        .target(
            name: "PyxisPlugin",
            dependencies: ["PyxisCore", "CSpank", "PyxisSystem", "PyxisLifecycle"],
            exclude: ["README.md"],
            swiftSettings: noRegexEngine,
            linkerSettings: [.unsafeFlags(pluginLinkerFlags)]
        ),
        // The front's C reading of the plugstack line (compiled into spank_pyxis.so by the
        // Makefile; a target so that PlugstackCheckTests can hold it to PluginConfig).
        .target(name: "PlugstackCheck"),
        // Prints the front's option table and spank_pyxis(8) from the option catalog.
        .executableTarget(name: "pyxis-option-table", dependencies: ["PyxisCore"], swiftSettings: noRegexEngine),

        // Environment remapping rules (pure) and the enroot hooks that use them; StandardHooks
        // holds the pure decisions of enroot's standard hooks.
        .target(name: "EnvRemap", swiftSettings: noRegexEngine),
        .target(name: "StandardHooks", dependencies: ["EnvRemap"], swiftSettings: noRegexEngine),
        .target(name: "HookSupport", dependencies: ["EnvRemap", "StandardHooks"], exclude: ["README.md"], swiftSettings: noRegexEngine),
        .target(name: "PyxisHooks", dependencies: ["HookSupport", "EnvRemap", "StandardHooks"], swiftSettings: noRegexEngine),

        // The libseccomp fake-success filter, and the command that installs it and execs a program.
        .target(name: "CSeccomp", linkerSettings: [.linkedLibrary("seccomp")]),
        .target(name: "SeccompFilter", dependencies: ["CSeccomp"], exclude: ["README.md"], swiftSettings: noRegexEngine),
        .target(name: "SeccompExec", dependencies: ["SeccompFilter"], swiftSettings: noRegexEngine),

        // The image cache (docs/image-cache.md) and pyxis-image-cache, its command for users,
        // sites and the plugin.
        .target(name: "ImageCache", dependencies: ["PyxisCore", "PyxisSystem", "EnvRemap"]),
        .target(
            name: "ImageCacheCommand",
            dependencies: ["ImageCache", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // pyxis-tools: the hooks, pyxis-seccomp-exec and pyxis-image-cache in one executable,
        // chosen by the name it runs under (docs/design.md, "One executable").
        .executableTarget(name: "pyxis-tools", dependencies: ["PyxisHooks", "HookSupport", "SeccompExec", "ImageCacheCommand"]),

        // pyxis-doctor: is this node ready for pyxis? Each check's verdict is a pure function of
        // facts gathered through NodeProbe; CDoctor holds the trial that forks a child as the user.
        .target(name: "CDoctor"),
        .target(name: "PyxisDoctor", dependencies: ["PyxisCore", "EnvRemap", "PyxisSystem", "CDoctor"], swiftSettings: noRegexEngine),
        .executableTarget(
            name: "pyxis-doctor",
            dependencies: ["PyxisDoctor", "CDoctor", "PyxisSystem", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "PyxisCoreTests", dependencies: ["PyxisCore"]),
        .testTarget(name: "PlugstackCheckTests", dependencies: ["PlugstackCheck", "PyxisCore"]),
        .testTarget(name: "ImageCacheTests", dependencies: ["ImageCache"]),
        .testTarget(name: "PyxisSystemTests", dependencies: ["PyxisSystem"]),
        .testTarget(name: "PyxisLifecycleTests", dependencies: ["PyxisLifecycle"]),
        .testTarget(name: "EnvRemapTests", dependencies: ["EnvRemap"]),
        // pyxis-tools is a dependency so `swift test` builds it next to the test bundle; the
        // contract tests run each hook through it as enroot would.
        .testTarget(name: "HooksTests", dependencies: ["HookSupport", "EnvRemap", "StandardHooks", "PyxisHooks", "pyxis-tools"]),
        .testTarget(name: "PyxisDoctorTests", dependencies: ["PyxisDoctor"]),
        .testTarget(name: "SeccompFilterTests", dependencies: ["SeccompFilter", "SeccompExec", "pyxis-tools"]),
        .testTarget(name: "PyxisToolsTests", dependencies: ["pyxis-tools", "PyxisHooks"]),
    ]
)
