import PyxisCore
import Testing
@testable import PyxisLifecycle

/// A user whose login shell refuses commands fails before enroot runs, with what to do, unless
/// enroot will not run the command through that shell.
@Suite struct LoginShellTests {
    @Test(arguments: ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false", "nologin"])
    func refusingShellsAreNamed(shell: String) {
        #expect(LoginShell.refusesCommands(shell))
        #expect(LoginShell.problem(user: "alice", shell: shell)
            == "user alice's login shell \(shell) cannot run commands, and enroot runs the container's command through it (ENROOT_LOGIN_SHELL)")
    }

    // A shell the node lacks is replaced by /bin/sh in the container (enroot's 10-shadow); an
    // empty field means /bin/sh.
    @Test(arguments: ["/bin/bash", "/bin/sh", "", "/usr/local/bin/no-such-shell", "/opt/nologin-wrapper/bash", "/bin/falsey"])
    func otherShellsPass(shell: String) {
        #expect(!LoginShell.refusesCommands(shell))
        #expect(LoginShell.problem(user: "alice", shell: shell) == nil)
    }

    @Test func aControlCharacterInTheShellCannotAddALine() {
        #expect(LoginShell.problem(user: "a\nb", shell: "/bin/false")?.contains("\n") == false)
    }

    @Test func theStepFailsBeforeEnrootRuns() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"])
        h.node.loginShells[1001] = "/usr/sbin/nologin"
        #expect(h.runStep() != [0])
        #expect(h.enroot.calls.isEmpty)
        #expect(h.host.errors.first == "user u's login shell /usr/sbin/nologin cannot run commands, and enroot runs the container's command through it (ENROOT_LOGIN_SHELL); nothing was started")
        #expect(h.host.errors.contains { $0.contains("usermod --shell /bin/bash u") })
    }

    @Test func aNamedContainerIsNotCreatedEither() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-name=build"])
        h.node.loginShells[1001] = "/bin/false"
        #expect(h.runStep() != [0])
        #expect(!h.enroot.calls.contains { $0.hasPrefix("import") || $0.hasPrefix("create") || $0.hasPrefix("start") })
    }

    @Test func enrootWithoutTheLoginShellStartsAsUsual() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"], job: [("ENROOT_LOGIN_SHELL", "no")])
        h.node.loginShells[1001] = "/usr/sbin/nologin"
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["start /images/a.sqsh"])
    }

    @Test func enrootConfigurationTurningItOffCountsToo() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"])
        h.node.loginShells[1001] = "/usr/sbin/nologin"
        h.node.configured = ["ENROOT_LOGIN_SHELL": "false"]
        #expect(h.runStep() == [0])
    }
}
