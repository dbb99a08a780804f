// Which tool a `pyxis-tools` process is (docs/design.md, "One executable"): chosen by the name it
// was run under, as busybox does. Pure: the link reading is passed in.
import PyxisHooks

enum Tool: Equatable {
    case hook(PyxisHook)
    case seccompExec
    case imageCache

    static let all: [Tool] = PyxisHook.allCases.map(Tool.hook) + [.seccompExec, .imageCache]

    /// The name it is installed and run under: a link to the executable in its directory.
    var name: String {
        switch self {
        case .hook(let hook): hook.executableName
        case .seccompExec: "pyxis-seccomp-exec"
        case .imageCache: "pyxis-image-cache"
        }
    }

    /// The tool called `name`: its own name, or a hook's drop-in name in hooks.d (a site may
    /// link the drop-in straight at the executable, or copy it).
    static func named(_ name: String) -> Tool? {
        all.first { $0.name == name || $0.dropInName == name }
    }

    var dropInName: String? {
        if case .hook(let hook) = self { return hook.dropIn }
        return nil
    }
}

/// A command line resolved to the tool it runs and that tool's arguments.
struct Invocation: Equatable {
    var tool: Tool
    var arguments: [String]

    enum Resolution: Equatable {
        case run(Invocation)
        /// `pyxis-tools --list`: every tool's name and drop-in, for the build.
        case list
        case usage(String)
    }

    /// At most this many links are followed from `argv[0]` (a drop-in, then the tool's link).
    static let maximumLinks = 8

    /// `argv[0]`'s last component names the tool; else the first name along the links it leads
    /// through (`/etc/enroot/hooks.d/60-site.sh` → `…/pyxis-hook-pmi` → `pyxis-tools`); else,
    /// run as the executable itself, its first argument does (`pyxis-tools pyxis-hook-pmi`).
    static func resolve(_ argv: [String], readLink: (String) -> String?) -> Resolution {
        guard let first = argv.first else { return .usage(usage) }
        var path = first
        for _ in 0...maximumLinks {
            if let tool = Tool.named(lastComponent(path)) {
                return .run(Invocation(tool: tool, arguments: Array(argv.dropFirst())))
            }
            guard let target = readLink(path) else { break }
            path = target.hasPrefix("/") ? target : directory(of: path) + target
        }
        let rest = argv.dropFirst()
        guard let name = rest.first else { return .usage(usage) }
        if name == "--list" && rest.count == 1 { return .list }
        guard let tool = Tool.named(name) else {
            return .usage("unknown tool '\(name)'; \(usage)")
        }
        return .run(Invocation(tool: tool, arguments: Array(rest.dropFirst())))
    }

    static var usage: String {
        "usage: pyxis-tools TOOL [ARGUMENTS...], or run it through a link named as the tool; tools: "
            + Tool.all.map(\.name).joined(separator: ", ")
    }

    /// `pyxis-tools --list`: one line per tool, its name then its hooks.d drop-in if it has one.
    static var listing: String {
        Tool.all.map { tool in [tool.name, tool.dropInName].compactMap { $0 }.joined(separator: " ") + "\n" }.joined()
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
    }

    /// The directory part with its trailing slash ("" for a bare name), for relative link targets.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }
}
