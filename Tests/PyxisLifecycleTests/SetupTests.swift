import PyxisCore
import Testing
@testable import PyxisLifecycle

/// The first task's set-up over fake enroot, importer and node: every path of ContainerPlan,
/// what it records, and the teardown that follows from the record.
@Suite struct SetupTests {
    let squashfs = "/run/pyxis/1001/42.3.squashfs"

    @Test func readOnlyFileStartsFromTheFileAndLeavesNothingToRemove() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"])
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["start /images/a.sqsh"])
        #expect(h.rendezvous.record == { var r = SetupRecord(); r.ownsProcess = true; return r }())
        #expect(h.node.ended == [4242])
        #expect(h.node.resumed.isEmpty)   // the stopped process keeps the FUSE mounts until the end
        #expect(h.host.errors.isEmpty)
    }

    @Test func writableFileIsUnpackedAndRemoved() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-writable"])
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["create pyxis_42.3 /images/a.sqsh", "start pyxis_42.3", "remove pyxis_42.3"])
        #expect(h.node.resumed == [4242])
        #expect(h.host.verbose.contains { $0.hasPrefix("unpacking the image with enroot create (use_squashfuse=auto: the root filesystem is writable") })
    }

    @Test func enrootConfigurationMakingTheRootWritableCountsToo() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"])
        h.node.configured = ["ENROOT_ROOTFS_WRITABLE": "yes"]
        h.runStep()
        #expect(h.enroot.calls.first == "create pyxis_42.3 /images/a.sqsh")
    }

    @Test func registryImageReadOnly() throws {
        let h = try Harness(["--container-image=ubuntu:24.04"])
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["import docker://ubuntu:24.04 \(squashfs)", "start \(squashfs)"])
        #expect(h.host.notices == ["importing docker image: ubuntu:24.04", "imported docker image: ubuntu:24.04"])
        // Started from the file, which is removed only when the step ends.
        #expect(h.node.removed == ["/run/pyxis/1001/42.3.conf", "/run/pyxis/1001/42.3.squashfs"])
        #expect(h.rendezvous.record.squashfsImported == false)
    }

    @Test func registryImageUnpackedRemovesTheSquashfsAfterCreate() throws {
        let h = try Harness(["--container-image=ubuntu:24.04"], plugstack: ["use_squashfuse=0"], tasks: 2)
        #expect(h.runStep() == [0, 0])
        #expect(h.enroot.calls == ["import docker://ubuntu:24.04 \(squashfs)", "create pyxis_42.3 \(squashfs)",
                                   "start pyxis_42.3", "remove pyxis_42.3"])
        #expect(h.node.removed.filter { $0 == squashfs }.count == 1)
        // Two tasks: pyxis announces only that the import happened.
        #expect(h.host.notices == ["imported docker image: ubuntu:24.04"])
        #expect(h.rendezvous.arrived == 2 && h.rendezvous.started == 2)
    }

    @Test func enrootLoad() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: ["use_enroot_load=1", "use_squashfuse=0"])
        h.runStep()
        #expect(h.enroot.calls == ["load docker://ubuntu pyxis_42.3", "start pyxis_42.3", "remove pyxis_42.3"])
    }

    @Test(arguments: ["0", "auto"])
    func importerGetsOneReleasePerGet(squashfuse: String) throws {
        let h = try Harness(["--container-image=ubuntu", "--container-writable"], plugstack: ["importer=/opt/importer", "use_squashfuse=\(squashfuse)"])
        #expect(h.runStep() == [0])
        #expect(h.importer.calls == ["get docker://ubuntu", "release"])
        #expect(h.enroot.calls.first == "create pyxis_42.3 /imports/image.sqsh")
    }

    @Test func importerStartedFromItsFileIsReleasedAtTheEnd() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: ["importer=/opt/importer"])
        h.lifecycle.taskInit()
        #expect(h.importer.calls == ["get docker://ubuntu"])
        #expect(h.rendezvous.record.importerPending)
        h.lifecycle.taskExit()
        #expect(h.importer.calls == ["get docker://ubuntu", "release"])
        h.lifecycle.finish()   // slurmstepd's exit after task_exit: nothing more
        #expect(h.importer.calls.count == 2)
    }

    /// A cancel while the last task_exit tears down: slurmstepd kills `enroot remove`; its exit,
    /// once the step's processes are gone, removes the container, and says nothing went wrong.
    @Test func removeKilledBySignalIsResumedAtSlurmstepdsExit() throws {
        let h = try Harness(["--container-image=/images/u.sqsh", "--container-writable"], plugstack: ["use_squashfuse=0"])
        h.enroot.failing = "remove"
        h.enroot.killedBy = 15
        h.enroot.failuresLeft = 1
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls.filter { $0.hasPrefix("remove") }.count == 1)
        #expect(h.host.errors.isEmpty)
        h.lifecycle.finish()
        #expect(h.enroot.calls.filter { $0.hasPrefix("remove") } == ["remove pyxis_42.3", "remove pyxis_42.3"])
        #expect(h.enroot.containers["pyxis_42.3"] == nil)
        #expect(h.host.errors.isEmpty)
        h.lifecycle.finish()   // nothing more
        #expect(h.enroot.calls.filter { $0.hasPrefix("remove") }.count == 2)
    }

    @Test func removeKilledTwiceIsReportedOnce() throws {
        let h = try Harness(["--container-image=/images/u.sqsh", "--container-writable"], plugstack: ["use_squashfuse=0"])
        h.enroot.failing = "remove"
        h.enroot.killedBy = 9
        h.runStep()
        h.lifecycle.finish()
        h.lifecycle.finish()
        #expect(h.enroot.calls.filter { $0.hasPrefix("remove") }.count == 2)
        #expect(h.host.errors == ["failed to remove container filesystem: pyxis_42.3 (remove was killed by signal 9)"])
    }

    @Test func removeThatExitsNonZeroIsNotRetried() throws {
        let h = try Harness(["--container-image=/images/u.sqsh", "--container-writable"], plugstack: ["use_squashfuse=0"])
        h.enroot.failing = "remove"
        h.runStep()
        h.lifecycle.finish()
        #expect(h.enroot.calls.filter { $0.hasPrefix("remove") }.count == 1)
        #expect(h.host.errors.first == "failed to remove container filesystem: pyxis_42.3 (remove exited with status 1)")
    }

    @Test func importerFailureIsReleasedOnceAndReported() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: ["importer=/opt/importer"])
        h.importer.failGet = true
        #expect(h.runStep() == [-1])
        #expect(h.importer.calls == ["get docker://ubuntu", "release"])
        #expect(h.host.errors.first == "failed to import docker image: ubuntu (importer: /opt/importer) (importer get exited with status 1)")
        #expect(h.host.errors.contains("    cannot get docker://ubuntu"))
    }

    @Test func importerPrintingNoPathIsAnError() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: ["importer=/opt/importer"])
        h.importer.printed = "relative.sqsh"
        #expect(h.runStep() == [-1])
        #expect(h.host.errors.first?.hasPrefix("importer did not return a squashfs path: /opt/importer printed 'relative.sqsh'") == true)
        #expect(h.importer.calls == ["get docker://ubuntu", "release"])
    }

    @Test func namedContainerIsCreatedUnderItsLockAndKept() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-name=train"])
        #expect(h.runStep() == [0])
        #expect(h.node.locks == ["/run/pyxis/1001/pyxis_train.lock"])
        #expect(h.enroot.calls == ["list", "create pyxis_train /images/a.sqsh", "start pyxis_train"])
        #expect(h.enroot.containers["pyxis_train"] != nil)
    }

    @Test func existingNamedContainerStartsWithoutImport() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-name=train"])
        h.enroot.containers["pyxis_train"] = .some(nil)
        h.runStep()
        #expect(h.enroot.calls == ["list", "start pyxis_train"])
        #expect(h.host.verbose.contains { $0.hasPrefix("reusing existing container filesystem") })
    }

    @Test func attachingStartsNothingAndEndsNothing() throws {
        let h = try Harness(["--container-name=train", "--container-mounts=/data:/data"], plugstack: ["importer=/opt/importer"])
        h.enroot.containers["pyxis_train"] = 777
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["list"])
        #expect(h.rendezvous.pid == 777)
        #expect(h.rendezvous.record == SetupRecord())
        #expect(h.node.ended.isEmpty && h.node.resumed.isEmpty)
        #expect(h.importer.calls.isEmpty)
        #expect(h.host.lines.contains { $0.0 == .info && $0.1.hasPrefix("ignoring --container-mounts when attaching to a running container") })
    }

    @Test func createFailureRemovesTheHalfMadeContainer() throws {
        let h = try Harness(["--container-image=/images/bad.sqsh", "--container-name=train"])
        h.enroot.failing = "create"
        #expect(h.runStep() == [-1])
        #expect(h.enroot.calls == ["list", "create pyxis_train /images/bad.sqsh", "remove pyxis_train"])
        #expect(h.rendezvous.state == .failed)
        #expect(h.rendezvous.record == SetupRecord())
        #expect(h.host.errors.first == "failed to create container filesystem for image: /images/bad.sqsh (create exited with status 1)")
        #expect(h.host.errors.contains("printing enroot log file:"))
    }

    @Test func startFailureRemovesTheTemporaryContainerAndSuggestsNoEntrypoint() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-writable", "--container-entrypoint"])
        h.enroot.startFailure = .exited(code: 1, log: ["entrypoint: no"])
        #expect(h.runStep() == [-1])
        #expect(h.enroot.calls == ["create pyxis_42.3 /images/a.sqsh", "start pyxis_42.3", "remove pyxis_42.3"])
        #expect(h.host.errors == ["container start failed with error code: 1", "printing enroot log file:", "    entrypoint: no",
                                  "if the image has an unusual entrypoint, try using --no-container-entrypoint"])
    }

    @Test func importFailureRemovesThePartialFileAndSaysSoOnce() throws {
        let h = try Harness(["--container-image=pyxis-test/none:1"], tasks: 4)
        h.enroot.failing = "import"
        #expect(h.runStep() == [-1, -1, -1, -1])
        #expect(h.host.errors.filter { $0.hasPrefix("failed to import docker image: pyxis-test/none:1") }.count == 1)
        #expect(h.host.verbose.filter { $0 == "container was not started successfully by another task" }.count == 3)
        #expect(h.node.removed.contains(squashfs))
        #expect(h.enroot.calls == ["import docker://pyxis-test/none:1 \(squashfs)"])
    }

    @Test func aFirstTaskThatDiedFailsTheOthers() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"], tasks: 2)
        h.rendezvous.holderDied = true
        #expect(h.lifecycle.taskInit() == -1)
        #expect(h.host.errors == ["a previous task terminated unexpectedly during container setup; nothing was started"])
        #expect(h.lifecycle.taskInit() == -1)
        #expect(h.enroot.calls.isEmpty)
        #expect(!h.rendezvous.locked)
    }

    @Test func unsupportedUnshareFailsBeforeAnythingIsMade() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-unshare=net"])
        h.node.installation = EnrootInstallation(script: "config::init \"/etc/enroot/enroot.conf\"")
        #expect(h.runStep() == [-1])
        #expect(h.enroot.calls.isEmpty)
        #expect(h.host.errors.first?.hasPrefix("--container-unshare: the enroot on this node (/usr/bin/enroot) cannot create a separate net namespace") == true)
    }

    @Test func mountPathsWithSpacesNeedAnEnrootThatUnescapes() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-mounts=/data/with space:/mnt/with space"])
        h.node.installation = EnrootInstallation(script: "")
        #expect(h.runStep() == [-1])
        #expect(h.host.errors.first?.hasPrefix("--container-mounts: '/data/with space' holds a space") == true)
    }

    @Test func saveExportsThenMovesIntoPlace() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-save=out/saved.sqsh"])
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["create pyxis_42.3 /images/a.sqsh", "start pyxis_42.3",
                                   "export pyxis_42.3 /home/u/out/.saved.sqsh.pyxis-42.3.tmp", "remove pyxis_42.3"])
        #expect(h.node.moved.map(\.1) == ["/home/u/out/saved.sqsh"])
        #expect(h.host.notices == ["exported container pyxis_42.3 to out/saved.sqsh"])
    }

    @Test func saveIntoAnUnwritableDirectoryFailsFirst() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-save=/ro/x.sqsh"])
        h.node.unwritable = ["/ro"]
        #expect(h.runStep() == [-1])
        #expect(h.enroot.calls.isEmpty)
        #expect(h.host.errors.first?.hasPrefix("--container-save: cannot write to the directory /ro:") == true)
    }

    @Test func saveIsSkippedWhenNotEveryTaskStarted() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-save=/o/x.sqsh"], tasks: 2)
        #expect(h.lifecycle.taskInit() == 0)
        h.lifecycle.finish()   // scancel: the second task never started
        #expect(!h.enroot.calls.contains { $0.hasPrefix("export") })
        #expect(h.enroot.calls.last == "remove pyxis_42.3")
    }
}
