import Testing
import PyxisCore
@testable import PyxisLifecycle

/// `--container-dry-run`: the report says what the step would do, and nothing is done.
@Suite struct DryRunTests {
    @Test func aRegistryImageIsReportedNotImportedAndEveryTaskEndsWithoutRunning() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-mounts=/data:/data", "--container-dry-run"],
                            plugstack: ["use_squashfuse=0"], tasks: 2, job: [("SLURMD_NODENAME", "node7"), ("HOME", "/home/u")])
        h.node.hooks = ["/etc/enroot/hooks.d": ["10-aptfix.sh", "10-home.sh"], "/home/u/.config/enroot/hooks.d": ["99-mine.sh"]]
        #expect(h.runStep() == [0, 0])
        #expect(h.lifecycle.endTask == 0)
        #expect(h.enroot.calls.isEmpty)           // not even a list: a temporary container needs none
        #expect(h.node.files.isEmpty && h.node.removed.isEmpty && h.node.locks.isEmpty)
        let report = h.host.notices
        #expect(report.first == "dry run on node7: nothing was started (--container-dry-run)")
        #expect(report.contains("    --container-image=ubuntu   (command line)"))
        #expect(report.contains("    --container-mounts=/data:/data   (command line)"))
        #expect(report.contains("    --container-writable=enroot's setting (ENROOT_ROOTFS_WRITABLE)   (default)"))
        #expect(report.contains { $0.hasPrefix("plugstack: runtime_path=/run/pyxis ") && $0.contains("use_squashfuse=0") })
        #expect(report.contains("image: docker://ubuntu (enroot)"))
        #expect(report.contains("    /usr/bin/enroot import --output /run/pyxis/1001/42.3.squashfs docker://ubuntu"))
        #expect(report.contains("    /usr/bin/enroot create --name pyxis_42.3 /run/pyxis/1001/42.3.squashfs"))
        #expect(report.contains { $0.hasPrefix("    /usr/bin/enroot start --conf /run/pyxis/1001/") && $0.hasSuffix("pyxis_42.3 sh -c 'kill -STOP $$ ; exit 0'") })
        #expect(report.contains("after the tasks end:"))
        #expect(report.contains("    /usr/bin/enroot remove -f pyxis_42.3"))
        #expect(report.contains { $0.hasPrefix("start configuration (/run/pyxis/1001/") })
        #expect(report.contains { $0.contains("/data") && $0.hasPrefix("    ") && $0.contains("mounts") || $0.contains("/data /data") })
        let hooks = report.drop(while: { $0 != "hooks enroot start would run, in order:" }).dropFirst().prefix(4)
        #expect(Array(hooks) == ["    /etc/enroot/hooks.d/10-aptfix.sh", "    /etc/enroot/hooks.d/10-home.sh",
                                 "    /home/u/.config/enroot/hooks.d/99-mine.sh", "    hooks() of the start configuration"])
        #expect(report.last == "then each task would join the container and run its command")
        #expect(report.filter { $0.hasPrefix("dry run") }.count == 1)   // one report per node
    }

    /// The plugin never passes the job's ENROOT_SYSCONF_PATH to enroot, so its hooks.d is not
    /// what enroot will run: the report lists the installation's.
    @Test func theHooksListedAreTheInstallationsNotTheJobsSysconfPath() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-dry-run"],
                            job: [("ENROOT_SYSCONF_PATH", "/home/u/my-enroot"), ("HOME", "/home/u")])
        h.node.hooks = ["/etc/enroot/hooks.d": ["10-aptfix.sh"], "/home/u/my-enroot/hooks.d": ["10-mine.sh"]]
        h.runStep()
        let hooks = h.host.notices.drop(while: { $0 != "hooks enroot start would run, in order:" }).dropFirst().prefix(2)
        #expect(Array(hooks) == ["    /etc/enroot/hooks.d/10-aptfix.sh", "    hooks() of the start configuration"])
    }

    @Test func theOriginsOfSettingsAreNamed() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-dry-run"],
                            plugstack: ["execute_entrypoint=1"])
        #expect(h.runStep() == [0])
        #expect(h.host.notices.contains("    --container-entrypoint=yes   (plugstack execute_entrypoint=1)"))
        #expect(h.host.notices.contains("image: squashfs file /images/a.sqsh"))
        #expect(h.host.notices.contains { $0.hasPrefix("    starting directly from the squashfs file") || $0.hasPrefix("    skipping container creation") })
    }

    @Test func aStepThatWouldFailSaysWhereAndEndsNonZero() throws {
        let h = try Harness(["--container-name=missing:exec", "--container-dry-run"])
        #expect(h.runStep() == [0])
        #expect(h.lifecycle.endTask == 1)
        #expect(h.host.notices.contains { $0.hasPrefix("the step would fail here: ") })
        #expect(h.enroot.calls == ["list"])   // the one read it needs
    }

    @Test func teardownDoesNothingAfterADryRun() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-save=/home/u/s.sqsh", "--container-dry-run"])
        h.runStep()
        #expect(h.host.errors.isEmpty)
        #expect(h.host.notices.contains { $0.hasPrefix("    /usr/bin/enroot export -f -o /home/u/.s.sqsh.pyxis-") })
        #expect(h.enroot.calls.isEmpty && h.node.moved.isEmpty)
    }
}
