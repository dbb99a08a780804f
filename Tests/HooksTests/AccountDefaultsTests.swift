@testable import StandardHooks
import Testing

/// 10-shadow's `def_*` variables and shadow-utils' numeric login.defs settings.
struct AccountDefaultsTests {
    @Test func loginDefsThenUseraddLaterLinesWin() throws {
        let defaults = try AccountDefaults(
            loginDefs: "# comment\nUMASK\t\t022\nMAIL_DIR /var/mail\n\n  UMASK 027\nEMPTY\nENV_PATH PATH=/bin:/usr/bin\n",
            useradd: "SHELL=/bin/sh\n# SKEL=/x\nSKEL = /etc/skel\nUMASK=007\n")
        #expect(defaults["UMASK"] == "007")
        #expect(defaults["MAIL_DIR"] == "/var/mail")
        #expect(defaults["EMPTY"] == "")
        #expect(defaults["ENV_PATH"] == "PATH=/bin:/usr/bin")
        #expect(defaults["SHELL"] == "/bin/sh")
        #expect(defaults["SKEL"] == nil)  // `declare def_SKEL`: no value
        #expect(defaults.value("EMPTY", or: "x") == "x")
    }

    @Test(arguments: ["BAD-NAME 1", "A.B c", "A+B x"])
    func notAnIdentifierFails(_ line: String) {
        #expect(throws: AccountDefaultsError.self) { try AccountDefaults(loginDefs: line, useradd: nil) }
    }

    @Test(arguments: [
        ("PASS_MAX_DAYS 99999", 99999), ("PASS_MAX_DAYS\t\"0x20\"", 32), ("PASS_MAX_DAYS 017", 15),
        ("PASS_MAX_DAYS -1", -1), ("PASS_MAX_DAYS -2", -1), ("PASS_MAX_DAYS 12x", -1), ("PASS_MAX_DAYS", -1),
        ("# PASS_MAX_DAYS 5", -1), ("PASS_MAX_DAYS 1\nPASS_MAX_DAYS 2", 2), ("PASS_MAX_DAYS 3000000000", -1),
    ])
    func numbers(_ text: String, _ expected: Int) {
        #expect(LoginDefs.number("PASS_MAX_DAYS", in: text) == expected)
    }

    @Test func homeSettings() throws {
        let home = UserHome(defaults: try AccountDefaults(loginDefs: "UMASK 027\n", useradd: "CREATE_MAIL_SPOOL=yes\n"))
        #expect(home.create && home.umask == 0o027 && home.skeleton == "/etc/skel" && home.mailDirectory == "/var/mail")
        let odd = UserHome(defaults: try AccountDefaults(loginDefs: "UMASK u=rwx\nCREATE_HOME no\n", useradd: nil))
        #expect(!odd.create && odd.umask == nil && odd.mailDirectory == nil)
        let defaults = try AccountDefaults(loginDefs: nil, useradd: "SHELL=/bin/dash\n")
        #expect(UserHome.shell("/bin/zsh", executableInImage: false, defaults: defaults) == "/bin/dash")
        #expect(UserHome.shell("/bin/zsh", executableInImage: true, defaults: defaults) == "/bin/zsh")
    }
}
