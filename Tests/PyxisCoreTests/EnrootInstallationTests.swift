import EnvRemap
import Testing
@testable import PyxisCore

@Suite struct EnrootInstallationTests {
    /// The lines that matter, as enroot's main branch writes them into /usr/bin/enroot.
    let mainScript = """
        config::init "/etc/enroot/enroot.conf"
        config::export ENROOT_ROOTFS_WRITABLE  false
        config::export ENROOT_NATIVE_OVERLAYFS true
        config::export ENROOT_ROOTFS_WRITABLE  true
            if [ -v net ]; then
                export ENROOT_UNSHARE_NET=y
        """
    let releaseScript = """
        config::init "/opt/enroot/etc/enroot.conf"
        config::export ENROOT_ROOTFS_WRITABLE  false
        config::init <(sed -n '/^#[[:space:]]*ENROOT_/s/#//p' "${conf}") true; config::fini
        """

    @Test func readsTheScript() {
        let main = EnrootInstallation(script: mainScript)
        #expect(main.sysconfDirectory == "/etc/enroot")
        #expect(main.defaults == ["ENROOT_ROOTFS_WRITABLE": "false", "ENROOT_NATIVE_OVERLAYFS": "true"])
        #expect(main.supportsUnshare && main.unescapesMountFields)
        let release = EnrootInstallation(script: releaseScript)
        #expect(release.sysconfDirectory == "/opt/enroot/etc")
        #expect(!release.supportsUnshare && !release.unescapesMountFields)
        #expect(EnrootInstallation(script: "").sysconfDirectory == "/etc/enroot")
    }

    @Test(arguments: [("y", true), ("yes", true), ("1", true), ("0", true), ("true", true),
                      ("n", false), ("no", false), ("NO", false), ("f", false), ("False", false), ("", false)])
    func switchValuesAsEnrootReadsThem(value: String, enabled: Bool) {
        #expect(EnrootSwitch.isOn(value) == enabled)
    }

    @Test func configurationFilesFirstAssignmentWins() {
        let conf = """
            #ENROOT_ROOTFS_WRITABLE     yes
              ENROOT_ROOTFS_WRITABLE   "yes"
            ENROOT_ROOTFS_WRITABLE no
            ENROOT_REMAP_ROOT=y
            NOT_ENROOT y
            """
        let settings = EnrootInstallation.settings(inConfigurationFiles: [conf, "ENROOT_NATIVE_OVERLAYFS no\nENROOT_REMAP_ROOT n"])
        #expect(settings == ["ENROOT_ROOTFS_WRITABLE": "yes", "ENROOT_REMAP_ROOT": "y", "ENROOT_NATIVE_OVERLAYFS": "no"])
    }

    /// The value pyxis passes in enroot's environment, then the files, then the script's default.
    @Test func precedence() {
        let main = EnrootInstallation(script: mainScript)
        #expect(!main.isEnabled("ENROOT_ROOTFS_WRITABLE", environment: nil, configured: [:]))
        #expect(main.isEnabled("ENROOT_ROOTFS_WRITABLE", environment: nil, configured: ["ENROOT_ROOTFS_WRITABLE": "yes"]))
        #expect(!main.isEnabled("ENROOT_ROOTFS_WRITABLE", environment: "n", configured: ["ENROOT_ROOTFS_WRITABLE": "yes"]))
        #expect(main.isEnabled("ENROOT_ROOTFS_WRITABLE", environment: "", configured: ["ENROOT_ROOTFS_WRITABLE": "yes"]))
        #expect(main.isEnabled("ENROOT_NATIVE_OVERLAYFS", environment: nil, configured: [:]))
        #expect(!main.isEnabled("ENROOT_NATIVE_OVERLAYFS", environment: nil, configured: ["ENROOT_NATIVE_OVERLAYFS": "no"]))
    }

    /// The one reading of enroot's configuration files that the plugin, the dry run, the doctor
    /// and pyxis-image-cache share: enroot.conf, then the drop-ins as bash's glob sorts them.
    @Test func configurationFilesAreReadInEnrootsOrder() {
        let installation = EnrootInstallation(sysconfDirectory: "/etc/enroot")
        let files = ["/etc/enroot/enroot.conf": "ENROOT_ROOTFS_WRITABLE no\nhttps_proxy http://proxy:3128\n",
                     "/etc/enroot/enroot.conf.d/20-b.conf": "ENROOT_ROOTFS_WRITABLE yes\nENROOT_MOUNT_HOME yes\n",
                     "/etc/enroot/enroot.conf.d/10-a.conf": "ENROOT_MOUNT_HOME no\n"]
        let listing = { (directory: String) -> [String] in
            directory == "/etc/enroot/enroot.conf.d" ? ["20-b.conf", "README", "10-a.conf"] : []
        }
        #expect(installation.configurationFiles(listing: listing) == [
            "/etc/enroot/enroot.conf", "/etc/enroot/enroot.conf.d/10-a.conf", "/etc/enroot/enroot.conf.d/20-b.conf"])
        let configured = EnrootSite(enroot: "/usr/bin/enroot", installation: installation,
                                    assignments: installation.configuredAssignments(listing: listing, read: { files[$0] })).configured
        #expect(configured == ["ENROOT_ROOTFS_WRITABLE": "no", "ENROOT_MOUNT_HOME": "no"])
        #expect(installation.configuredAssignments(listing: listing, read: { files[$0] })["https_proxy"] == "http://proxy:3128")
    }

    @Test func theUsersConfigurationDirectory() {
        let home = ["HOME": "/home/u"]
        #expect(EnrootInstallation.userConfigDirectory(environment: { home[$0] }, configured: [:]) == "/home/u/.config/enroot")
        let xdg = ["HOME": "/home/u", "XDG_CONFIG_HOME": "/x"]
        #expect(EnrootInstallation.userConfigDirectory(environment: { xdg[$0] }, configured: [:]) == "/x/enroot")
        #expect(EnrootInstallation.userConfigDirectory(environment: { home[$0] }, configured: ["ENROOT_CONFIG_PATH": "/site/enroot"]) == "/site/enroot")
        // A value that needs the shell to expand it is left to enroot's default.
        #expect(EnrootInstallation.userConfigDirectory(environment: { home[$0] }, configured: ["ENROOT_CONFIG_PATH": "${HOME}/e"]) == "/home/u/.config/enroot")
        let set = ["HOME": "/home/u", "ENROOT_CONFIG_PATH": "/mine"]
        #expect(EnrootInstallation.userConfigDirectory(environment: { set[$0] }, configured: ["ENROOT_CONFIG_PATH": "/site/enroot"]) == "/mine")
    }
}
