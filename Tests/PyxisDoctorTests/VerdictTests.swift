import PyxisCore
import Testing
@testable import PyxisDoctor

/// Each check's verdict from hand-made facts: what passes, and every way it fails, by the words
/// of its finding and fix.
@Suite struct SlurmVersionVerdictTests {
    @Test(arguments: [
        ("slurm-wlm 22.05.8\n", UInt32(0x160508)), ("slurm 23.11.4-1", 0x170b04), ("slurm 24.05", 0x180500),
    ])
    func parsesTheVersionLine(output: String, version: UInt32) {
        #expect(SlurmVersionCheck.parse(output) == version)
    }

    @Test(arguments: ["", "srun: fatal: no config", "slurm x.y"])
    func refusesOtherOutput(output: String) {
        #expect(SlurmVersionCheck.parse(output) == nil)
    }

    let plugin = "/usr/lib/slurm/spank_pyxis.so"

    func facts(_ built: Result<UInt32, ELFSymbol.Problem>?, output: String? = nil) -> SlurmVersionCheck.Facts {
        .init(plugin: built == nil ? nil : plugin, built: built, command: output == nil ? nil : "/usr/sbin/slurmd", output: output)
    }

    @Test func sameSeriesPasses() {
        let result = SlurmVersionCheck.verdict(facts(.success(0x160508), output: "slurm-wlm 22.05.9"))
        #expect(result == .ok("slurm", "/usr/lib/slurm/spank_pyxis.so: pyxis was built for Slurm 22.05.8, /usr/sbin/slurmd is 22.05.9 (same 22.05 series: Slurm loads it)"))
        #expect(SlurmVersionCheck.verdict(facts(.success(0x1a0503), output: "slurm 26.05.3")).finding.hasSuffix("Slurm 26.05.3, /usr/sbin/slurmd is 26.05.3"))
    }

    @Test func anotherSeriesFailsAsSlurmWould() {
        let result = SlurmVersionCheck.verdict(facts(.success(0x160508), output: "slurm 23.02.1"))
        #expect(result.verdict == .failure)
        #expect(result.finding == "/usr/lib/slurm/spank_pyxis.so: pyxis was built for Slurm 22.05.8, /usr/sbin/slurmd is 23.02.1: Slurm refuses the plugin (\"Incompatible Slurm plugin version\")")
        #expect(result.fix?.contains("23.02") == true)
        #expect(SlurmVersionCheck.verdict(facts(.success(0x1a0503), output: "slurm 25.11.7")).finding.contains("built for Slurm 26.05.3, /usr/sbin/slurmd is 25.11.7: Slurm refuses"))
    }

    @Test func noSlurmFails() {
        #expect(SlurmVersionCheck.verdict(facts(.success(0x160508))).finding == "neither slurmd nor srun is in PATH (pyxis was built for Slurm 22.05.8)")
        #expect(SlurmVersionCheck.verdict(facts(.success(0x160508))).fix?.hasPrefix("install Slurm 22.05 ") == true)
        #expect(SlurmVersionCheck.verdict(facts(.success(0x160508), output: "oops")).verdict == .failure)
    }

    @Test func aPluginWithoutAReadableReleaseFailsNamingTheFile() {
        let result = SlurmVersionCheck.verdict(facts(.failure(.init("has no plugin_version symbol")), output: "slurm 24.11.7"))
        #expect(result.verdict == .failure)
        #expect(result.finding == "cannot tell which Slurm pyxis was built for: /usr/lib/slurm/spank_pyxis.so has no plugin_version symbol (Slurm reads its plugin_version symbol and refuses the plugin without one); /usr/sbin/slurmd is 24.11.7")
        #expect(result.fix?.contains("Slurm 24.11") == true)
    }

    @Test func noPluginFailsPointingAtThePlugstackCheck() {
        let result = SlurmVersionCheck.verdict(facts(nil, output: "slurm 24.11.7"))
        #expect(result.verdict == .failure)
        #expect(result.finding.hasPrefix("cannot tell which Slurm pyxis was built for: no plugin file to read (see the plugstack check)"))
    }
}

@Suite struct PlugstackVerdictTests {
    func plugin(_ arguments: [String] = [], required: Bool = true, origin: String = "/etc/slurm/plugstack.conf:1") -> PlugstackFile.Line {
        .plugin(.init(required: required, path: "/usr/lib/slurm/spank_pyxis.so", arguments: arguments, origin: origin))
    }

    func facts(_ lines: [PlugstackFile.Line], plugin: String? = "/usr/lib/slurm/spank_pyxis.so", core: Bool = true) -> PlugstackCheck.Facts {
        .init(file: "/etc/slurm/plugstack.conf", readable: true, lines: lines, pyxisPlugin: plugin, coreFound: core)
    }

    @Test func aValidLinePasses() {
        let result = PlugstackCheck.verdict(facts([plugin(["runtime_path=/run/pyxis"])]))
        #expect(result == .ok("plugstack", "/etc/slurm/plugstack.conf:1 loads /usr/lib/slurm/spank_pyxis.so with runtime_path=/run/pyxis"))
    }

    @Test func aBadArgumentFailsWithTheParsersMessage() {
        let result = PlugstackCheck.verdict(facts([plugin(["container_scope=node"])]))
        #expect(result.verdict == .failure)
        #expect(result.finding.hasPrefix("/etc/slurm/plugstack.conf:1: container_scope: invalid value: node (expected job or global)"))
    }

    @Test func missingFileLineTwiceOptionalMissingPluginOrCore() {
        #expect(PlugstackCheck.verdict(.init(file: "/x.conf", readable: false)).finding == "/x.conf does not exist or cannot be read")
        #expect(PlugstackCheck.verdict(facts([])).finding.hasPrefix("no line of /etc/slurm/plugstack.conf or its includes loads spank_pyxis.so"))
        #expect(PlugstackCheck.verdict(facts([plugin(), plugin(origin: "/b.conf:2")])).finding.contains("loaded twice, at /etc/slurm/plugstack.conf:1 and /b.conf:2"))
        #expect(PlugstackCheck.verdict(facts([plugin(required: false)])).verdict == .warning)
        #expect(PlugstackCheck.verdict(facts([plugin()], plugin: nil)).finding.contains("does not exist"))
        #expect(PlugstackCheck.verdict(facts([plugin()], core: false)).finding.contains("has no Swift core beside it"))
    }

    @Test func anInvalidLineAnywhereFails() {
        let result = PlugstackCheck.verdict(facts([plugin(), .invalid(text: "requird x.so", origin: "/etc/slurm/plugstack.conf.d/a.conf:3")]))
        #expect(result.finding.hasPrefix("/etc/slurm/plugstack.conf.d/a.conf:3: 'requird x.so' is not"))
    }

    @Test func theSettingsComeFromTheLineOrAreTheDefaults() {
        #expect(PlugstackCheck.config(facts([plugin(["runtime_path=/var/run/px"])])).runtimePath == "/var/run/px")
        #expect(PlugstackCheck.config(facts([plugin(["bad"])])) == PluginConfig())
    }
}

@Suite struct RuntimePathVerdictTests {
    @Test(arguments: [
        (FileInfo?.none, "/run/pyxis does not exist"),
        (FileInfo(.symlink, mode: 0o777), "/run/pyxis is a symbolic link"),
        (FileInfo(.regular, mode: 0o644), "/run/pyxis is not a directory"),
        (FileInfo(.directory, uid: 1000, mode: 0o755), "is not root's"),
        (FileInfo(.directory, mode: 0o777), "is writable by group or others"),
        (FileInfo(.directory, mode: 0o700), "cannot be traversed by users"),
    ])
    func fails(info: FileInfo?, finding: String) {
        let result = RuntimePathCheck.verdict(.init(path: "/run/pyxis", info: info))
        #expect(result.verdict == .failure)
        #expect(result.finding.contains(finding))
    }

    @Test func rootsTraversableDirectoryPasses() {
        #expect(RuntimePathCheck.verdict(.init(path: "/run/pyxis", info: FileInfo(.directory, mode: 0o755)))
            == .ok("runtime_path", "/run/pyxis exists (root, 0755)"))
    }
}

@Suite struct EnrootVerdictTests {
    @Test(arguments: [("export ENROOT_VERSION=\"4.1.2\"", "4.1.2"), ("readonly ENROOT_VERSION='3.4.0'", "3.4.0"), ("ENROOT_VERSION=${X}", nil)])
    func readsTheVersion(line: String, version: String?) {
        #expect(EnrootInstallation(script: "#!/bin/bash\n\(line)\n").version == version)
    }

    @Test func mainBranchPasses412Warns31Fails() {
        var facts = EnrootCheck.Facts(searchPath: "/usr/bin", site: EnrootSite(
            enroot: "/usr/bin/enroot", installation: EnrootInstallation(supportsUnshare: true, version: "4.1.2")))
        #expect(EnrootCheck.verdict(facts) == .ok("enroot", "/usr/bin/enroot is enroot 4.1.2 (config /etc/enroot; fstab escapes and unshare)"))
        facts.site?.installation.supportsUnshare = false
        #expect(EnrootCheck.verdict(facts).verdict == .warning)
        #expect(EnrootCheck.verdict(facts).finding.contains("--container-unshare is refused"))
        facts.site?.installation.version = "3.0.1"
        #expect(EnrootCheck.verdict(facts).finding.hasSuffix("pyxis needs enroot 3.1 or later"))
    }

    @Test func noEnrootFailsNamingThePath() {
        let result = EnrootCheck.verdict(.init(searchPath: "/usr/sbin:/usr/bin"))
        #expect(result.verdict == .failure)
        #expect(result.finding == "no enroot in slurmstepd's PATH (/usr/sbin:/usr/bin)")
    }
}

@Suite struct UserNamespaceVerdictTests {
    @Test func worksWhenNothingForbidsIt() {
        #expect(UserNamespaceCheck.verdict(.init(user: alice, unprivilegedClone: "1", maxUserNamespaces: "63000")).verdict == .ok)
    }

    @Test(arguments: [
        (UserNamespaceCheck.Facts(user: alice, unprivilegedClone: "0"), "kernel.unprivileged_userns_clone is 0"),
        (UserNamespaceCheck.Facts(user: alice, maxUserNamespaces: "0"), "user.max_user_namespaces is 0"),
        (UserNamespaceCheck.Facts(user: alice, apparmorRestrict: "1"), "kernel.apparmor_restrict_unprivileged_userns is 1"),
        (UserNamespaceCheck.Facts(user: alice, trial: UserTrial(failedStep: .userNamespace, namespaceErrno: 1)), "as alice (uid 1000), unshare(CLONE_NEWUSER): Operation not permitted"),
        (UserNamespaceCheck.Facts(user: alice, trial: UserTrial(failedStep: .mountNamespace, namespaceErrno: 1)), "unshare(CLONE_NEWNS) inside the new user namespace"),
        (UserNamespaceCheck.Facts(user: alice, trial: UserTrial(unavailable: "cannot become uid 1000")), "could not try as alice"),
    ])
    func failsNamingTheCause(facts: UserNamespaceCheck.Facts, finding: String) {
        let result = UserNamespaceCheck.verdict(facts)
        #expect(result.verdict == .failure)
        #expect(result.finding.contains(finding))
    }

    @Test func theStandInSaysSo() {
        var nobody = DoctorUser(name: "nobody", uid: 65534, gid: 65534)
        nobody.isStandIn = true
        #expect(UserNamespaceCheck.verdict(.init(user: nobody)).finding.hasSuffix("[nobody stands in for users: --user NAME checks one]"))
    }
}

@Suite struct FuseVerdictTests {
    let ready = FuseCheck.Facts(mode: .auto, user: alice, device: FileInfo(.characterDevice, mode: 0o666), squashfuse: "/usr/bin/squashfuse")

    @Test func readyPasses() {
        #expect(FuseCheck.verdict(ready).verdict == .ok)
    }

    @Test func autoWarnsOnWarnsFailsOffPasses() {
        var facts = ready
        facts.squashfuse = nil
        #expect(FuseCheck.verdict(facts).verdict == .warning)
        #expect(FuseCheck.verdict(facts).finding == "use_squashfuse=auto takes the slower enroot create path: squashfuse is not installed")
        facts.mode = .on
        #expect(FuseCheck.verdict(facts).verdict == .failure)
        facts.mode = .off
        #expect(FuseCheck.verdict(facts).verdict == .ok)
    }

    @Test func eachProblemIsNamed() {
        var facts = ready
        facts.device = nil
        #expect(FuseCheck.verdict(facts).finding.hasSuffix("/dev/fuse does not exist"))
        facts.device = FileInfo(.regular, mode: 0o666)
        #expect(FuseCheck.verdict(facts).finding.hasSuffix("/dev/fuse is not a character device"))
        facts.device = FileInfo(.characterDevice, mode: 0o600)
        facts.openErrno = 13
        #expect(FuseCheck.verdict(facts).finding.hasSuffix("alice (uid 1000) cannot open /dev/fuse: Permission denied"))
        facts = ready
        facts.nativeOverlay = false
        #expect(FuseCheck.verdict(facts).finding.hasSuffix("fuse-overlayfs is not installed and ENROOT_NATIVE_OVERLAYFS is off"))
    }
}

@Suite struct SeccompVerdictTests {
    @Test func efaultMeansSupported() {
        #expect(SeccompCheck.verdict(.init(probeErrno: 14)).verdict == .ok)
        #expect(SeccompCheck.verdict(.init(probeErrno: 22)).finding.hasPrefix("the kernel has no seccomp filters"))
        #expect(SeccompCheck.verdict(.init(probeErrno: 1)).verdict == .failure)
    }
}

@Suite struct HooksVerdictTests {
    let directory = "/etc/enroot/hooks.d"

    @Test func enabledHooksPassNoneIsFine() {
        let pmi = HooksCheck.Hook(name: "50-slurm-pmi.sh", target: "/usr/libexec/pyxis/pyxis-hook-pmi", exists: true, executable: true)
        #expect(HooksCheck.verdict(.init(directory: directory, hooks: [pmi])) == .ok("hooks", "enabled in /etc/enroot/hooks.d: 50-slurm-pmi.sh"))
        #expect(HooksCheck.verdict(.init(directory: directory, hooks: [])).verdict == .ok)
    }

    @Test func theInstalledDropInsNotEnabledAreOffered() {
        let home = HooksCheck.Hook(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-hook-home", exists: true, executable: true)
        let facts = HooksCheck.Facts(directory: directory, hooks: [], dropInDirectory: "/usr/share/pyxis/hooks.d", dropIns: [home])
        #expect(HooksCheck.verdict(facts).finding
            == "no pyxis hook is enabled in /etc/enroot/hooks.d; not enabled: 10-home.sh (ln -s /usr/share/pyxis/hooks.d/NAME.sh /etc/enroot/hooks.d/)")
    }

    @Test func aDanglingInstalledDropInFails() {
        let gone = HooksCheck.Hook(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-hook-home", exists: false, executable: false)
        let result = HooksCheck.verdict(.init(directory: directory, hooks: [], dropInDirectory: "/usr/share/pyxis/hooks.d", dropIns: [gone]))
        #expect(result.finding.hasPrefix("/usr/share/pyxis/hooks.d/10-home.sh leads to /usr/libexec/pyxis/pyxis-hook-home, which does not exist"))
        #expect(result.fix == "reinstall pyxis")
    }

    @Test func aDanglingOrIdleHookFails() {
        let gone = HooksCheck.Hook(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-hook-home", exists: false, executable: false)
        #expect(HooksCheck.verdict(.init(directory: directory, hooks: [gone])).finding
            == "/etc/enroot/hooks.d/10-home.sh leads to /usr/libexec/pyxis/pyxis-hook-home, which does not exist: enroot skips the hook")
        let idle = HooksCheck.Hook(name: "10-home.sh", target: "/usr/libexec/pyxis/pyxis-hook-home", exists: true, executable: false)
        #expect(HooksCheck.verdict(.init(directory: directory, hooks: [idle])).fix == "chmod 0755 /usr/libexec/pyxis/pyxis-hook-home")
    }
}

@Suite struct ImageCacheVerdictTests {
    let pattern = "/var/cache/pyxis/%u"
    let path = "/var/cache/pyxis/alice"

    @Test func notSetPasses() {
        #expect(ImageCacheCheck.verdict(.init(pattern: nil, user: alice)).verdict == .ok)
    }

    @Test func theUsersPrivateDirectoryPasses() {
        #expect(ImageCacheCheck.verdict(.init(pattern: pattern, user: alice, path: path, info: FileInfo(.directory, uid: 1000, mode: 0o700))).verdict == .ok)
    }

    @Test(arguments: [
        (FileInfo(.directory, uid: 1001, mode: 0o700), "is not alice (uid 1000)'s"),
        (FileInfo(.directory, uid: 1000, mode: 0o750), "is open to other users"),
        (FileInfo(.symlink, mode: 0o777), "is a symbolic link"),
    ])
    func aDirectoryTheCacheRefusesFails(info: FileInfo, finding: String) {
        let result = ImageCacheCheck.verdict(.init(pattern: pattern, user: alice, path: path, info: info))
        #expect(result.verdict == .failure)
        #expect(result.finding.contains(finding))
    }

    @Test func aMissingDirectoryPassesWhenTheUserCanCreateIt() {
        let open = ImageCacheCheck.Facts(pattern: pattern, user: alice, path: path, ancestor: "/var/cache/pyxis", ancestorInfo: FileInfo(.directory, mode: 0o1777))
        #expect(ImageCacheCheck.verdict(open).verdict == .ok)
        var closed = open
        closed.ancestorInfo = FileInfo(.directory, mode: 0o755)
        #expect(ImageCacheCheck.verdict(closed).finding == "/var/cache/pyxis/alice does not exist and alice (uid 1000) cannot create it in /var/cache/pyxis (owner uid 0, mode 0755)")
        // No advice to open the parent to everyone: one user could then take another's name.
        let fix = ImageCacheCheck.verdict(closed).fix ?? ""
        #expect(fix.hasPrefix("create /var/cache/pyxis/alice owned by the user, mode 0700"))
        #expect(!fix.hasPrefix("install -d -m 1777"))
    }

    @Test func aMissingCommandFails() {
        let facts = ImageCacheCheck.Facts(pattern: pattern, user: alice, path: path, info: FileInfo(.directory, uid: 1000, mode: 0o700),
                                          command: "/usr/lib/slurm/pyxis/pyxis-image-cache", commandExecutable: false)
        #expect(ImageCacheCheck.verdict(facts).finding.hasPrefix("/usr/lib/slurm/pyxis/pyxis-image-cache is not an executable file"))
    }
}

@Suite struct LoginShellVerdictTests {
    @Test func aShellThatRunsCommandsPasses() {
        #expect(LoginShellCheck.verdict(.init(user: alice, enrootUsesLoginShell: true)).line
            == "ok   login shell: alice (uid 1000) has the login shell /bin/bash, which runs commands")
    }

    @Test(arguments: ["/usr/sbin/nologin", "/bin/false"])
    func aShellThatRefusesFails(shell: String) {
        var user = alice
        user.shell = shell
        let result = LoginShellCheck.verdict(.init(user: user, enrootUsesLoginShell: true))
        #expect(result.verdict == .failure)
        #expect(result.finding.hasPrefix("user alice's login shell \(shell) cannot run commands"))
        #expect(result.fix?.contains("usermod --shell /bin/bash alice") == true)
    }

    @Test func enrootWithoutLoginShellsPassesAnyShell() {
        var user = alice
        user.shell = "/usr/sbin/nologin"
        #expect(LoginShellCheck.verdict(.init(user: user, enrootUsesLoginShell: false)).verdict == .ok)
    }

    @Test func theStandInIsNotJudged() {
        var nobody = DoctorUser(name: "nobody", uid: 65534, gid: 65534, shell: "/usr/sbin/nologin")
        nobody.isStandIn = true
        let result = LoginShellCheck.verdict(.init(user: nobody, enrootUsesLoginShell: true))
        #expect(result.verdict == .ok)
        #expect(result.finding.contains("--user NAME"))
    }
}
