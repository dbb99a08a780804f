@testable import StandardHooks
import Testing

/// 10-shadow's databases: the generated entries and what pwck/grpck (answering yes) leave.
struct UserAccountsTests {
    static let user = UserAccounts.HostUser(
        passwdLine: "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n", groupLine: "alice:x:1000:\n")
    static let ageing = PasswdCheck.Ageing(today: 20000, loginDefs: "PASS_MIN_DAYS 0\nPASS_MAX_DAYS 99999\nPASS_WARN_AGE 7\n")

    static func files(passwd: String, group: String, shadow: String?, groupShadow: String?) -> UserAccounts.Files {
        UserAccounts.files(
            user: user, shell: "/bin/bash", nobody: "65534", nogroup: "65534",
            passwd: passwd, group: group, shadow: shadow, groupShadow: groupShadow, ageing: ageing)
    }

    @Test func debianLikeImage() {
        let files = Self.files(
            passwd: "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n_apt:x:42:65534::/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
            group: "root:x:0:\ndaemon:x:1:ghost,daemon\nnogroup:x:65534:\n",
            shadow: "root:*:1:0:99999:7:::\ndaemon:*:1:0:99999:7:::\n_apt:*:1:0:99999:7:::\nnobody:*:1:0:99999:7:::\n",
            groupShadow: "root:*::\ndaemon:*::ghost\nnogroup:*::\n")
        #expect(files.passwd == """
            root:x:0:0:root:/root:/bin/bash
            nobody:x:65534:65534:nobody:/:/sbin/nologin
            alice:x:1000:1000:Alice:/home/alice:/bin/bash
            daemon:x:1:1::/:/bin/sh

            """)
        #expect(files.group == "root:x:0:\nnogroup:x:65534:\nalice:x:1000:\ndaemon:x:1:daemon\n")
        #expect(files.shadow == "root:*:1:0:99999:7:::\ndaemon:*:1:0:99999:7:::\nnobody:*:1:0:99999:7:::\nalice:x:20000:0:99999:7:::\n")
        #expect(files.groupShadow == "root:*::\ndaemon:*::\nnogroup:*::\nalice:x::\n")
        #expect(files.passwdChecked && files.groupChecked)
    }

    @Test func withoutShadowPwckChangesNothingButGrpckCreatesGshadow() {
        let files = Self.files(passwd: "root:x:0:0:root:/root:/bin/sh\n", group: "root:x:0:\n", shadow: nil, groupShadow: nil)
        #expect(files.passwd == "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/:/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nroot:x:0:0:root:/root:/bin/sh\n")
        #expect(!files.passwdChecked && files.shadow == nil)
        #expect(files.group == "root:x:0:\nnogroup:x:65534:\nalice:x:1000:\n")
        #expect(files.groupShadow == "root:x::\nnogroup:x::\nalice:x::\n")
    }

    @Test func invalidAndNISLinesAndMovedPasswords() {
        let files = Self.files(
            passwd: "broken\n\n+nis::::::\nbob:secret:7:7::/:/bin/sh\nnouid:x::1::/:/bin/sh\n",
            group: "bad:x:\n+nis\ngrp:pw:7:bob,,ghost\n",
            shadow: "ghost:*:1::::::\ninvalid\nroot:*:1:0:99999:7:::\n", groupShadow: "orphan:*::\nbroken\n")
        #expect(files.passwd.hasSuffix("+nis::::::\nbob:x:7:7::/:/bin/sh\n"))
        #expect(files.shadow == "root:*:1:0:99999:7:::\nbob:secret:20000:0:99999:7:::\nnobody:x:20000:0:99999:7:::\nalice:x:20000:0:99999:7:::\n")
        #expect(files.group.hasSuffix("+nis\ngrp:x:7:bob\n"))
        #expect(files.groupShadow == "grp:pw::bob\nroot:x::\nnogroup:x::\nalice:x::\n")
    }

    @Test func unknownUserAndFewerThanThreeLines() {
        let nobody = UserAccounts.HostUser(passwdLine: "", groupLine: "")
        #expect(nobody.name == "" && nobody.uid == "" && nobody.shell == "")
        #expect(UserAccounts.generatedFirst(["a", "b"]) == "a\nb\n")
        #expect(UserAccounts.generatedFirst(["1", "2", "a", "b", "c"]) == "a\nb\nc\n1\n2\n")
    }

    @Test(arguments: [
        ("root:x:0:0:root:/root:/bin/sh", true), ("a:x:1:2:::", true), ("a:x:1:2::", false), ("a:x: 5:+6:::", true),
        ("a:x:-1:0:::", false), ("a:x:4294967296:0:::", false), ("a:x:1:2:::sh:extra", false), ("a:x::2:::", false),
        ("a:x:1:2:::/bin/sh\r", true),   // the CR is the shell's last byte, as pwck reads it
    ])
    func passwdValidity(_ line: String, _ valid: Bool) {
        #expect((PasswdEntry(line: line) != nil) == valid)
    }

    /// What Debian 12's pwck (shadow-utils 4.13) deletes from a shadow file, tried by hand.
    @Test(arguments: [
        ("a:*:19000:0:99999:7:::", true), ("a:*:1:2:3", true), ("a:*: 5:0:99999:7:::", true), ("a:*:+5::::::", true),
        ("a:*:010::::::", true), ("a:*:19000:0:99999:7::", false), ("a:*:0x10::::::", false), ("a:*:-1::::::", false),
        ("a:*:5 ::::::", false), ("a:*:1::::::\r", false), ("a:*:1::::", false), ("a:*:x::::::", false),
    ])
    func shadowValidity(_ line: String, _ valid: Bool) {
        #expect((ShadowEntry(line: line) != nil) == valid)
    }

    @Test(arguments: [("077", 0o77), ("00027", 0o27), ("0", 0), ("0777", 0o777), ("1000", nil), ("8", nil), ("", nil)] as [(String, UInt32?)])
    func umaskAsBashReadsIt(_ text: String, _ mask: UInt32?) {
        #expect(UserHome.octal(text) == mask)
    }

    @Test func bytesThatAreNotUTF8SurviveTheRoundTrip() {
        let bytes: [UInt8] = Array("caf".utf8) + [0xE9] + Array(":x:1:1:Ren".utf8) + [0xE9, 0x0D, 0x0A, 0x00, 0xFF]
        #expect(String(bytes: bytes).bytes == bytes)
        #expect("a\r\nb\n".fileLines == ["a\r", "b"])
        #expect(String(bytes: Array("a\r\nb".utf8)).fileLines == ["a\r", "b"])
    }

    @Test func memberLists() {
        #expect(MemberList.parse("a,,b") == ["a", "", "b"])
        #expect(MemberList.parse("a,") == ["a"])
        #expect(MemberList.parse("") == [])
        #expect(GroupEntry(line: "g:x:1") == nil && GroupEntry(line: "g:x:1:a:b") == nil)
        #expect(ShadowEntry(line: "a:*:1:2:3") != nil && ShadowEntry(line: "a:*:x::::::") == nil)
    }

    @Test func nameService() {
        #expect(NameService.filesFirst(database: "passwd", nsswitch: nil))
        #expect(NameService.filesFirst(database: "passwd", nsswitch: "passwd:   files systemd\n"))
        #expect(!NameService.filesFirst(database: "passwd", nsswitch: "# x\npasswd: sss files\n"))
        #expect(NameService.passwdLine(uid: "1000", in: "bad\nalice:x:1000:1000::/h:/bin/sh\nbob:x:1000:1::/:/\n") == "alice:x:1000:1000::/h:/bin/sh")
        #expect(NameService.groupLine(gid: "5", in: "g:x:5:a,b\n") == "g:x:5:a,b")
        #expect(NameService.mappedID("         0       1001          1\n") == "1001")
    }
}
