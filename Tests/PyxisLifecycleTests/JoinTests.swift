import EnvRemap
import PyxisCore
import Testing
@testable import PyxisLifecycle

/// Every task joining the container: environment, namespaces, directory, seccomp.
@Suite struct JoinTests {
    @Test func everyTaskJoinsAndTheLastOneLetsTheShellGo() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-writable"], tasks: 3)
        h.host.job += [("LANG", "en_US.UTF-8"), ("FOO", "host")]
        #expect(h.runStep() == [0, 0, 0])
        #expect(h.node.resumed == [4242])   // once, when the third task arrived
        #expect(h.node.container.joined == Set(["user", "cgroup", "mnt", "ipc", "uts", "net"]))
        #expect(h.node.container.enteredCwd)
        #expect(h.node.seccompInstalled == 3)
        #expect(h.host.task["FOO"] == "image")
        #expect(h.host.unset.contains("LANG"))
    }

    @Test func containerEnvKeepsTheHostValueAndTheImageValueOfAnUnsetName() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-env=FOO,CUDA_VERSION"])
        h.node.container = FakeContainer(environment: [("FOO", "image"), ("CUDA_VERSION", "11.8.0")])
        h.host.job += [("FOO", "host")]
        #expect(h.runStep() == [0])
        #expect(h.host.task["FOO"] == nil)                // the task keeps its own
        #expect(h.host.task["CUDA_VERSION"] == "11.8.0")  // the host has none: the image's stays
        let config = try #require(h.node.files.values.first)
        #expect(config.contains("FOO=host"))
        #expect(!config.contains("CUDA_VERSION"))
    }

    @Test func privilegedJobsKeepTheHostUserNamespaceAndGetNoFilter() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"], privileged: true)
        #expect(h.runStep() == [0])
        #expect(h.node.container.joined?.contains("user") == false)
        #expect(h.node.seccompInstalled == 0)
    }

    @Test func anUnsharedNamespaceThatIsNotSeparateIsAnError() throws {
        let h = try Harness(["--container-image=/images/a.sqsh", "--container-unshare=ipc"])
        h.node.container.shared = ["ipc"]
        #expect(h.runStep() == [-1])
        #expect(h.host.errors == ["error: --container-unshare=ipc requested but the container is not in a separate IPC namespace"])
        #expect(h.node.container.joined == nil)
    }

    @Test func workdirAndAMissingOne() throws {
        let ok = try Harness(["--container-image=/images/a.sqsh", "--container-workdir=/work"])
        #expect(ok.runStep() == [0])
        #expect(ok.node.directory == "/work")
        let missing = try Harness(["--container-image=/images/a.sqsh", "--container-workdir=/nope"])
        missing.node.missingDirectories = ["/nope"]
        #expect(missing.runStep() == [-1])
        #expect(missing.host.errors == ["couldn't chdir to /nope: No such file or directory (--container-workdir, inside the container)"])
        #expect(missing.node.seccompInstalled == 0)
    }

    @Test func pytorchImagesGetRanks() throws {
        let h = try Harness(["--container-image=/images/a.sqsh"])
        h.node.container = FakeContainer(environment: [("PYTORCH_VERSION", "2.3")])
        h.host.job += [("SLURM_PROCID", "5"), ("SLURM_LOCALID", "1")]
        #expect(h.runStep() == [0])
        #expect(h.host.task["RANK"] == "5" && h.host.task["LOCAL_RANK"] == "1")
    }
}

/// The job epilog over a fake enroot.
@Suite struct JobEpilogTests {
    @Test func removesTheJobsContainersAndChecks() {
        let host = FakeHost(), enroot = FakeEnroot()
        enroot.containers = ["pyxis_42_a": Int32?.none, "pyxis_42_b": Int32(9), "pyxis_43_a": Int32?.none, "pyxis_x": Int32?.none]
        #expect(JobEpilog.removeContainers(of: 42, enroot: enroot, host: host) == 0)
        #expect(enroot.calls == ["list", "remove pyxis_42_a pyxis_42_b", "list"])
        #expect(Set(enroot.containers.keys) == ["pyxis_43_a", "pyxis_x"])
    }

    @Test func aFailedRemovalIsReported() {
        let host = FakeHost(), enroot = FakeEnroot()
        enroot.containers = ["pyxis_42_a": Int32?.none]
        enroot.failing = "remove"
        #expect(JobEpilog.removeContainers(of: 42, enroot: enroot, host: host) == -1)
        #expect(host.errors.first == "epilog: failed to remove container pyxis_42_a (remove exited with status 1)")
    }
}
