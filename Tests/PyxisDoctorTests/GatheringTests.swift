import Testing
@testable import PyxisDoctor

/// What the checks gather from a node: plugstack lines through includes, links followed,
/// slurm.conf's settings, and the whole doctor on a healthy fake node.
@Suite struct GatheringTests {
    @Test func plugstackLinesAreParsedAsSlurmReadsThem() {
        let text = "# comment\nrequired /a/spank_pyxis.so runtime_path=/run/p  # why\n\noptional x.so\ninclude conf.d/*.conf\nbogus line\n"
        #expect(PlugstackFile.parse(text, file: "/etc/slurm/plugstack.conf") == [
            .plugin(.init(required: true, path: "/a/spank_pyxis.so", arguments: ["runtime_path=/run/p"], origin: "/etc/slurm/plugstack.conf:2")),
            .plugin(.init(required: false, path: "x.so", arguments: [], origin: "/etc/slurm/plugstack.conf:4")),
            .include(pattern: "/etc/slurm/conf.d/*.conf", origin: "/etc/slurm/plugstack.conf:5"),
            .invalid(text: "bogus line", origin: "/etc/slurm/plugstack.conf:6"),
        ])
    }

    @Test func includesAreFollowedAndRelativePluginsFoundInPluginDir() {
        let node = FakeNode([
            "/etc/slurm/plugstack.conf": .file("include /etc/slurm/plugstack.conf.d/*.conf\n"),
            "/etc/pyxis/plugstack.conf": .file("required spank_pyxis.so image_cache=/c/%u\n"),
            "/etc/slurm/plugstack.conf.d/pyxis.conf": .link("/etc/pyxis/plugstack.conf"),
            "/usr/lib/slurm-wlm/spank_pyxis.so": .file(""),
            "/usr/lib/slurm-wlm/pyxis/spank_pyxis_core.so": .file(""),
        ])
        let facts = PlugstackCheck.gather(node, file: "/etc/slurm/plugstack.conf", pluginDirectories: ["/nowhere", "/usr/lib/slurm-wlm"])
        #expect(facts.pyxisLines.map(\.origin) == ["/etc/slurm/plugstack.conf.d/pyxis.conf:1"])
        #expect(facts.pyxisPlugin == "/usr/lib/slurm-wlm/spank_pyxis.so")
        #expect(facts.coreFound)
        #expect(PlugstackCheck.config(facts).imageCache == "/c/%u")
    }

    @Test func slurmConfNamesThePlugstackAndPluginDir() {
        let conf = SlurmConf(text: "ClusterName=x\nplugstackconfig = /etc/slurm/ps.conf # here\nPluginDir=/a:/b\n", path: "/etc/slurm/slurm.conf")
        #expect(conf.plugstack == "/etc/slurm/ps.conf")
        #expect(conf.pluginDirectories == ["/a", "/b"])
        let defaults = SlurmConf(text: nil, path: "/etc/slurm-llnl/slurm.conf")
        #expect(defaults.plugstack == "/etc/slurm-llnl/plugstack.conf")
        #expect(defaults.pluginDirectories == SlurmConf.defaultPluginDirectories)
    }

    @Test func linksResolveRelativeAndDangling() {
        let node = FakeNode([
            "/etc/enroot/hooks.d/10-home.sh": .link("../../../usr/share/pyxis/hooks.d/10-home.sh"),
            "/usr/share/pyxis/hooks.d/10-home.sh": .link("/usr/libexec/pyxis/pyxis-hook-home"),
            "/usr/libexec/pyxis/pyxis-hook-home": .file("", mode: 0o755),
            "/etc/enroot/hooks.d/50-slurm-pmi.sh": .link("/usr/libexec/pyxis/pyxis-hook-pmi"),
            "/etc/enroot/hooks.d/90-site.sh": .file("", mode: 0o755),
        ])
        let facts = HooksCheck.gather(node, enrootConfigDirectory: "/etc/enroot", plugin: "/usr/lib/x86_64-linux-gnu/slurm-wlm/spank_pyxis.so")
        #expect(facts.dropInDirectory == "/usr/share/pyxis/hooks.d")
        #expect(facts.dropIns == [.init(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-hook-home", exists: true, executable: true)])
        #expect(facts.hooks == [
            .init(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-hook-home", exists: true, executable: true),
            .init(name: "50-slurm-pmi.sh", target: "/usr/libexec/pyxis/pyxis-hook-pmi", exists: false, executable: false),
        ])
    }

    /// As installed: each hook a link to pyxis-tools; a site may link the drop-in straight at
    /// the executable (`ln -s "$(readlink -f DROPIN)"`), and it is still ours.
    @Test func hooksLeadingToTheToolsExecutableAreOurs() {
        let node = FakeNode([
            "/etc/enroot/hooks.d/10-home.sh": .link("/usr/share/pyxis/hooks.d/10-home.sh"),
            "/usr/share/pyxis/hooks.d/10-home.sh": .link("/usr/libexec/pyxis/pyxis-hook-home"),
            "/usr/libexec/pyxis/pyxis-hook-home": .link("pyxis-tools"),
            "/usr/libexec/pyxis/pyxis-tools": .file("", mode: 0o755),
            "/etc/enroot/hooks.d/10-shadow.sh": .link("/opt/site/libexec/pyxis-tools"),
            "/opt/site/libexec/pyxis-tools": .file("", mode: 0o755),
            "/etc/enroot/hooks.d/90-site.sh": .link("/opt/site/libexec/site-hook"),
            "/opt/site/libexec/site-hook": .file("", mode: 0o755),
        ])
        let facts = HooksCheck.gather(node, enrootConfigDirectory: "/etc/enroot", plugin: nil)
        #expect(facts.hooks == [
            .init(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-tools", exists: true, executable: true),
            .init(name: "10-shadow.sh", target: "/opt/site/libexec/pyxis-tools", exists: true, executable: true),
        ])
    }

    /// Every file a healthy node has, as the package installs them.
    static func healthyNode() -> FakeNode {
        let node = FakeNode([
            "/etc/slurm/plugstack.conf": .file("include /etc/slurm/plugstack.conf.d/*.conf\n"),
            "/etc/slurm/plugstack.conf.d/pyxis.conf": .file("required /usr/lib/slurm-wlm/spank_pyxis.so\n"),
            "/usr/lib/slurm-wlm/spank_pyxis.so": .bytes(ELFImage.plugin(version: 0x160508).bytes),
            "/usr/lib/slurm-wlm/pyxis/spank_pyxis_core.so": .file(""),
            "/run/pyxis": .directory(),
            "/usr/sbin/slurmd": .file("", mode: 0o755),
            "/usr/bin/enroot": .file("config::init \"/etc/enroot/enroot.conf\"\nexport ENROOT_VERSION=\"4.1.2\"\nconfig::export ENROOT_NATIVE_OVERLAYFS true\n[ -n ENROOT_UNSHARE_NET ]\n", mode: 0o755),
            "/usr/bin/squashfuse": .file("", mode: 0o755),
            "/dev/fuse": .device,
        ])
        node.outputs["/usr/sbin/slurmd"] = "slurm-wlm 22.05.8\n"
        return node
    }

    func run(_ node: FakeNode) -> [CheckResult] {
        Doctor(node: node, settings: .init(slurmConf: "/etc/slurm/slurm.conf", searchPath: "/usr/sbin:/usr/bin"), user: alice).run()
    }

    @Test func aHealthyNodePassesEveryCheck() {
        let results = run(Self.healthyNode())
        #expect(results.map(\.check) == ["slurm", "plugstack", "runtime_path", "enroot", "login shell", "user namespaces", "fuse", "seccomp", "hooks", "image_cache"])
        #expect(results.filter { $0.verdict != .ok }.map(\.line) == [])
        #expect(results.exitStatus(strict: true) == 0)
        #expect(results.summary == "10 checks: 10 ok, 0 warnings, 0 failed")
    }

    @Test func theSlurmReleaseIsReadFromThePluginTheLineLoads() {
        let node = Self.healthyNode()
        node.entries["/usr/lib/slurm-wlm/spank_pyxis.so"] = .link("/opt/pyxis/spank_pyxis.so")
        node.entries["/opt/pyxis/spank_pyxis.so"] = .bytes(ELFImage.plugin(version: 0x1a0503).bytes)
        node.outputs["/usr/sbin/slurmd"] = "slurm 26.05.1\n"
        #expect(run(node)[0] == .ok("slurm", "/usr/lib/slurm-wlm/spank_pyxis.so: pyxis was built for Slurm 26.05.3, /usr/sbin/slurmd is 26.05.1 (same 26.05 series: Slurm loads it)"))
        node.outputs["/usr/sbin/slurmd"] = "slurm-wlm 22.05.8\n"
        #expect(run(node)[0].finding.hasSuffix("/usr/sbin/slurmd is 22.05.8: Slurm refuses the plugin (\"Incompatible Slurm plugin version\")"))
        node.entries["/opt/pyxis/spank_pyxis.so"] = .file("")
        let empty = run(node)[0]
        #expect(empty.verdict == .failure)
        #expect(empty.finding.hasPrefix("cannot tell which Slurm pyxis was built for: /usr/lib/slurm-wlm/spank_pyxis.so is empty, not an ELF shared object"))
    }

    @Test func theLinesSettingsReachTheLaterChecks() {
        let node = Self.healthyNode()
        node.entries["/etc/slurm/plugstack.conf.d/pyxis.conf"] = .file("required /usr/lib/slurm-wlm/spank_pyxis.so runtime_path=/var/run/px use_squashfuse=1\n")
        node.entries["/usr/bin/squashfuse"] = nil
        let results = run(node)
        #expect(results[2].finding == "/var/run/px does not exist: container steps fail to create the user's directory in it")
        #expect(results[6].verdict == .failure)
        #expect(results.exitStatus(strict: false) == 1)
    }

    @Test func warningsFailOnlyWhenStrict() {
        let node = Self.healthyNode()
        node.entries["/usr/bin/squashfuse"] = nil
        let results = run(node)
        #expect(results.exitStatus(strict: false) == 0)
        #expect(results.exitStatus(strict: true) == 1)
        #expect(results[6].line.hasPrefix("warn fuse: use_squashfuse=auto takes the slower enroot create path"))
    }
}

@Suite struct FileInfoTests {
    @Test(arguments: [
        (FileInfo(.directory, mode: 0o1777), true), (FileInfo(.directory, mode: 0o755), false),
        (FileInfo(.directory, uid: 1000, mode: 0o700), true), (FileInfo(.directory, gid: 1000, mode: 0o770), true),
        (FileInfo(.directory, gid: 1000, mode: 0o707), false), (FileInfo(.directory, mode: 0o772), false),
    ])
    func writeAndSearchByOwnerGroupOrOthers(info: FileInfo, allowed: Bool) {
        #expect(info.allows(alice, 0o3) == allowed)
    }

    @Test func octalModeHasFourDigits() {
        #expect(FileInfo(.directory, mode: 0o755).octalMode == "0755")
        #expect(FileInfo(.directory, mode: 0o1777).octalMode == "1777")
    }
}
