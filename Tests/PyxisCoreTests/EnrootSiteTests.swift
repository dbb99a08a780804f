import PyxisCore
import Testing

/// A node's enroot read in one place: the script, enroot.conf and its drop-ins, enroot's rules.
struct EnrootSiteTests {
    struct FakeFiles: EnrootProbe {
        var files: [String: String]
        func readText(_ path: String) -> String? { files[path] }
        func entries(of directory: String) -> [String] {
            files.keys.filter { $0.hasPrefix(directory + "/") }.map { String($0.dropFirst(directory.count + 1)) }
                .filter { !$0.contains("/") }
        }
    }

    static let script = """
        #!/usr/bin/env bash
        export ENROOT_VERSION="3.5.0"
        config::init "/opt/enroot/etc/enroot.conf"
        config::export ENROOT_ROOTFS_WRITABLE  false
        config::export ENROOT_LOGIN_SHELL      true
        config::export ENROOT_UNSHARE_NET      false
        """

    let files = FakeFiles(files: [
        "/usr/bin/enroot": script,
        "/opt/enroot/etc/enroot.conf": "ENROOT_ROOTFS_WRITABLE yes\nhttps_proxy http://proxy:3128\n",
        // bash's glob order: 10 before 20; the first assignment of a name wins.
        "/opt/enroot/etc/enroot.conf.d/20-site.conf": "ENROOT_LOGIN_SHELL yes\n",
        "/opt/enroot/etc/enroot.conf.d/10-site.conf": "ENROOT_LOGIN_SHELL no\nENROOT_CONFIG_PATH /shared/enroot/config\n",
        "/opt/enroot/etc/enroot.conf.d/README": "ENROOT_ROOTFS_WRITABLE no\n",
    ])

    @Test func theScriptSaysWhereTheConfigurationIsAndWhatItHas() {
        let site = EnrootSite.read(enroot: "/usr/bin/enroot", probe: files)
        #expect(site.installation.sysconfDirectory == "/opt/enroot/etc")
        #expect(site.installation.version == "3.5.0")
        #expect(site.installation.supportsUnshare)
        #expect(site.systemHookDirectory == "/opt/enroot/etc/hooks.d")
    }

    @Test func enrootsOrderOfFilesAndTheFirstAssignmentWins() {
        let site = EnrootSite.read(enroot: "/usr/bin/enroot", probe: files)
        #expect(site.configured == [
            "ENROOT_ROOTFS_WRITABLE": "yes", "ENROOT_LOGIN_SHELL": "no", "ENROOT_CONFIG_PATH": "/shared/enroot/config",
        ])
        #expect(site.assignments["https_proxy"] == "http://proxy:3128")
    }

    /// The environment enroot starts with wins over the files, which win over the script.
    @Test func switchesFollowEnrootsPrecedence() {
        let site = EnrootSite.read(enroot: "/usr/bin/enroot", probe: files)
        #expect(site.isEnabled("ENROOT_ROOTFS_WRITABLE", environment: nil))
        #expect(!site.isEnabled("ENROOT_ROOTFS_WRITABLE", environment: "no"))
        #expect(!site.isEnabled("ENROOT_LOGIN_SHELL", environment: nil))
        #expect(!site.isEnabled("ENROOT_UNSHARE_NET", environment: nil))
        #expect(site.isEnabled("ENROOT_UNSHARE_NET", environment: "y"))
    }

    @Test func theUsersDirectoryFromTheEnvironmentThenTheFilesThenXDG() {
        let site = EnrootSite.read(enroot: "/usr/bin/enroot", probe: files)
        #expect(site.hookDirectories(environment: { ["ENROOT_CONFIG_PATH": "/home/u/enroot"][$0] })
            == ["/opt/enroot/etc/hooks.d", "/home/u/enroot/hooks.d"])
        #expect(site.userConfigDirectory(environment: { ["HOME": "/home/u"][$0] }) == "/shared/enroot/config")
        let plain = EnrootSite.read(enroot: "/usr/bin/enroot", probe: FakeFiles(files: ["/usr/bin/enroot": Self.script]))
        #expect(plain.userConfigDirectory(environment: { ["HOME": "/home/u"][$0] }) == "/home/u/.config/enroot")
        #expect(plain.userConfigDirectory(environment: { ["HOME": "/home/u", "XDG_CONFIG_HOME": "/x"][$0] }) == "/x/enroot")
    }

    /// The doctor's `--enroot-config-dir` replaces the script's directory; a script that
    /// cannot be read is enroot's defaults.
    @Test func anotherDirectoryAndAMissingScript() {
        let moved = EnrootSite.read(enroot: "/usr/bin/enroot", probe: files, configDirectory: "/etc/enroot")
        #expect(moved.installation.sysconfDirectory == "/etc/enroot")
        #expect(moved.configured.isEmpty)
        let missing = EnrootSite.read(enroot: "/nowhere/enroot", probe: files)
        #expect(missing.installation == EnrootInstallation())
        #expect(missing.installation.version == nil)
        #expect(missing.systemHookDirectory == "/etc/enroot/hooks.d")
    }
}
