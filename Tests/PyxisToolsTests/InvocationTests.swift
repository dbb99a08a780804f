@testable import pyxis_tools
import PyxisHooks
import Testing

/// Which tool `pyxis-tools` runs, from the name it was run under.
struct InvocationTests {
    /// A file system of links only: path → what the link holds.
    func links(_ table: [String: String]) -> (String) -> String? { { table[$0] } }

    @Test func eachToolByItsOwnName() {
        for tool in Tool.all {
            let resolution = Invocation.resolve(["/usr/libexec/pyxis/" + tool.name, "a", "b"], readLink: links([:]))
            #expect(resolution == .run(Invocation(tool: tool, arguments: ["a", "b"])))
        }
    }

    @Test func aBareNameFromPATH() {
        #expect(Invocation.resolve(["pyxis-image-cache", "list"], readLink: links([:]))
            == .run(Invocation(tool: .imageCache, arguments: ["list"])))
    }

    /// enroot runs a drop-in by its hooks.d path; sites link or copy it there under enroot's name.
    @Test func aHookByItsDropInName() {
        for hook in PyxisHook.allCases {
            #expect(Invocation.resolve(["/etc/enroot/hooks.d/" + hook.dropIn], readLink: links([:]))
                == .run(Invocation(tool: .hook(hook), arguments: [])))
        }
    }

    /// A drop-in under a name of the site's own, linked to our link, relative at each step.
    @Test func aSiteNameFollowsTheLinksToTheToolsName() {
        let table = [
            "/etc/enroot/hooks.d/60-site.sh": "../../../usr/share/pyxis/hooks.d/50-slurm-pmi-x.sh",
            "/etc/enroot/hooks.d/../../../usr/share/pyxis/hooks.d/50-slurm-pmi-x.sh": "/usr/libexec/pyxis/pyxis-hook-pmi",
            "/usr/libexec/pyxis/pyxis-hook-pmi": "pyxis-tools",
        ]
        #expect(Invocation.resolve(["/etc/enroot/hooks.d/60-site.sh"], readLink: links(table))
            == .run(Invocation(tool: .hook(.pmi), arguments: [])))
    }

    /// The first known name along the links wins: a link named for one hook that leads to
    /// another hook's link is the first hook, as its name says.
    @Test func theFirstKnownNameWins() {
        let table = ["/x/10-home.sh": "/usr/libexec/pyxis/pyxis-hook-pmi"]
        #expect(Invocation.resolve(["/x/10-home.sh"], readLink: links(table)) == .run(Invocation(tool: .hook(.home), arguments: [])))
    }

    @Test func theExecutableItselfTakesTheToolAsItsFirstArgument() {
        #expect(Invocation.resolve(["/usr/libexec/pyxis/pyxis-tools", "pyxis-seccomp-exec", "--", "id"], readLink: links([:]))
            == .run(Invocation(tool: .seccompExec, arguments: ["--", "id"])))
        #expect(Invocation.resolve(["./pyxis-tools", "10-shadow.sh"], readLink: links([:]))
            == .run(Invocation(tool: .hook(.shadow), arguments: [])))
    }

    @Test func listAndUsage() {
        #expect(Invocation.resolve(["pyxis-tools", "--list"], readLink: links([:])) == .list)
        #expect(Invocation.resolve(["pyxis-tools"], readLink: links([:])) == .usage(Invocation.usage))
        #expect(Invocation.resolve([], readLink: links([:])) == .usage(Invocation.usage))
        #expect(Invocation.resolve(["pyxis-tools", "--list", "x"], readLink: links([:]))
            == .usage("unknown tool '--list'; " + Invocation.usage))
        #expect(Invocation.resolve(["pyxis-tools", "pyxis-hook-nope"], readLink: links([:]))
            == .usage("unknown tool 'pyxis-hook-nope'; " + Invocation.usage))
    }

    /// A link loop ends after `maximumLinks` steps instead of spinning.
    @Test func aLinkLoopEnds() {
        let table = ["/a/x": "/a/y", "/a/y": "/a/x"]
        #expect(Invocation.resolve(["/a/x"], readLink: links(table)) == .usage(Invocation.usage))
    }

    /// The listing the build makes its links and drop-ins from: every hook with its drop-in.
    @Test func theListingNamesEveryToolOnce() {
        let lines = Invocation.listing.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == PyxisHook.allCases.count + 2)
        #expect(lines.contains(["pyxis-hook-pytorch", "50-slurm-pytorch.sh"]))
        #expect(lines.contains(["pyxis-hook-shadow", "10-shadow.sh"]))
        #expect(lines.contains(["pyxis-image-cache"]))
        #expect(Set(lines.map { $0[0] }).count == lines.count)
    }
}
