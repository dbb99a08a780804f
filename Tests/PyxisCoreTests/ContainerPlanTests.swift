import EnvRemap
import Testing
@testable import PyxisCore

@Suite struct ContainerPlanTests {
    let step = StepInfo(uid: 1001, gid: 1001, groups: [], jobID: 42, stepID: 3, localTaskCount: 2,
                        totalTaskCount: 2, workingDirectory: "/home/u", privileged: false)
    let fuse = ContainerPlan.SquashfuseSupport(available: true, reason: "squashfuse found")
    let noFuse = ContainerPlan.SquashfuseSupport(available: false, reason: "squashfuse is not installed")

    func options(image: String? = nil, name: String? = nil, save: String? = nil, mounts: String? = nil) throws -> ContainerOptions {
        var options = ContainerOptions()
        options.image = try image.map { (text) throws(PyxisError) in try ImageReference(parsing: text) }
        options.name = try name.map { (text) throws(PyxisError) in try ContainerName(parsing: text) }
        options.save = save
        options.mounts = try mounts.map { (text) throws(PyxisError) in try MountSpec.parseList(text) } ?? []
        return options
    }

    func config(_ arguments: String...) throws -> PluginConfig { try PluginConfig(arguments: arguments) }

    func listing(_ rows: String...) throws -> EnrootListing {
        try EnrootListing(parsing: (["NAME PID COMM STATE STARTED TIME MNTNS USERNS COMMAND"] + rows).joined(separator: "\n"))
    }

    @Test func temporaryFileImageStartsDirectlyWhenTheNodeCan() throws {
        let plan = try ContainerPlan.decide(options: options(image: "./img.sqsh"), config: config(), step: step,
                                            listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(plan.action == .startFromFile(.file("/home/u/img.sqsh")))
        #expect(plan.containerName == "pyxis_42.3")
        #expect(plan.isTemporary)
        #expect(plan.verboseNotes == ["starting directly from the squashfs file (use_squashfuse=auto: read-only root filesystem, squashfuse found)"])
    }

    @Test func autoFallsBackToCreateAndSaysWhy() throws {
        let plan = try ContainerPlan.decide(options: options(image: "/img.sqsh"), config: config(), step: step,
                                            listing: nil, rootfsWritable: false, squashfuse: { noFuse })
        #expect(plan.action == .createAndStart(.file("/img.sqsh")))
        #expect(plan.verboseNotes == ["unpacking the image with enroot create (use_squashfuse=auto: squashfuse is not installed)"])
    }

    @Test func explicitSettingsAreObeyedWithoutProbing() throws {
        let off = try ContainerPlan.decide(options: options(image: "/i.sqsh"), config: config("use_squashfuse=0"), step: step,
                                           listing: nil, rootfsWritable: false, squashfuse: { Issue.record("probed"); return fuse })
        #expect(off.action == .createAndStart(.file("/i.sqsh")))
        let on = try ContainerPlan.decide(options: options(image: "/i.sqsh"), config: config("use_squashfuse=1"), step: step,
                                          listing: nil, rootfsWritable: false, squashfuse: { Issue.record("probed"); return noFuse })
        #expect(on.action == .startFromFile(.file("/i.sqsh")))
    }

    /// enroot starts a squashfs file on an overlay that cannot rename the image's directories:
    /// `auto` unpacks writable containers, `1` is the administrator's explicit choice.
    @Test func autoUnpacksWritableContainers() throws {
        let auto = try ContainerPlan.decide(options: options(image: "/i.sqsh"), config: config(), step: step,
                                            listing: nil, rootfsWritable: true, squashfuse: { Issue.record("probed"); return fuse })
        #expect(auto.action == .createAndStart(.file("/i.sqsh")))
        #expect(auto.verboseNotes == ["unpacking the image with enroot create (use_squashfuse=auto: the root filesystem is writable, and only an unpacked one lets the image's directories be renamed or removed)"])
        let on = try ContainerPlan.decide(options: options(image: "/i.sqsh"), config: config("use_squashfuse=1"), step: step,
                                          listing: nil, rootfsWritable: true, squashfuse: { noFuse })
        #expect(on.action == .startFromFile(.file("/i.sqsh")))
        #expect(ContainerPlan.mayStartFromFile(options: try options(image: "/i.sqsh"), config: try config()))
        #expect(!ContainerPlan.mayStartFromFile(options: try options(image: "/i.sqsh", name: "n"), config: try config()))
        #expect(!ContainerPlan.mayStartFromFile(options: try options(image: "/i.sqsh", save: "/o.sqsh"), config: try config()))
        #expect(!ContainerPlan.mayStartFromFile(options: try options(image: "/i.sqsh"), config: try config("use_squashfuse=0")))
    }

    @Test func savedContainersAreUnpacked() throws {
        let plan = try ContainerPlan.decide(options: options(image: "/i.sqsh", save: "out.sqsh"), config: config(), step: step,
                                            listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(plan.action == .createAndStart(.file("/i.sqsh")))
    }

    @Test func registryImagesAreImportedIntoTheRuntimeDirectory() throws {
        let direct = try ContainerPlan.decide(options: options(image: "ubuntu:24.04"), config: config("runtime_path=/run/px/"),
                                              step: step, listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(direct.action == .startFromFile(.enrootImport(uri: "docker://ubuntu:24.04", output: "/run/px/1001/42.3.squashfs")))
        let load = try ContainerPlan.decide(options: options(image: "ubuntu"), config: config("use_enroot_load=1", "use_squashfuse=0"),
                                            step: step, listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(load.action == .createAndStart(.enrootLoad(uri: "docker://ubuntu")))
        let dockerd = try ContainerPlan.decide(options: options(image: "dockerd://local"), config: config("use_enroot_load=1", "use_squashfuse=0"),
                                               step: step, listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(dockerd.action == .createAndStart(.enrootImport(uri: "dockerd://local", output: "/run/pyxis/1001/42.3.squashfs")))
        let importer = try ContainerPlan.decide(options: options(image: "ubuntu"), config: config("importer=/usr/bin/imp"),
                                                step: step, listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(importer.action == .startFromFile(.importer(uri: "docker://ubuntu")))
    }

    @Test func namedContainerFlags() throws {
        let running = try listing("pyxis_train  777  sleep  S  14:31  00:02  1  2  sleep 5")
        let stopped = try listing("pyxis_train")
        let empty = try listing()
        func decide(_ name: String, _ listing: EnrootListing, image: String? = "/i.sqsh", mounts: String? = nil) throws -> ContainerPlan {
            try ContainerPlan.decide(options: options(image: image, name: name, mounts: mounts), config: config(), step: step,
                                     listing: listing, rootfsWritable: false, squashfuse: { fuse })
        }
        #expect(try decide("train", running).action == .attach(pid: 777))
        #expect(try decide("train", stopped).action == .start)
        #expect(try decide("train", empty).action == .createAndStart(.file("/i.sqsh")))
        #expect(try decide("train:no_exec", running).action == .start)
        #expect(try decide("train:exec", running, image: nil).action == .attach(pid: 777))
        #expect(try decide("train:create", empty).action == .createAndStart(.file("/i.sqsh")))
        #expect(try decide("train", stopped, image: nil).action == .start)
        #expect(try !decide("train", empty).isTemporary)

        // pyxis's words first, then what the user can do.
        #expect(throws: PyxisError("error: \"create\" flag was passed to --container-name but the container already exists (pyxis_train; remove it with: enroot remove pyxis_train)")) {
            try decide("train:create", stopped)
        }
        #expect(throws: PyxisError("error: \"exec\" flag was passed to --container-name but the container is not running (pyxis_train)")) {
            try decide("train:exec", stopped)
        }
        #expect(throws: PyxisError("error: \"exec\" flag was passed to --container-name but the container is not running (pyxis_train does not exist)")) {
            try decide("train:exec", empty, image: nil)
        }
        #expect(throws: PyxisError("error: a container with name \"pyxis_train\" does not exist, and --container-image is not set (give --container-image to create it on this node)")) {
            try decide("train", empty, image: nil)
        }
        let attached = try decide("train", running, mounts: "/data")
        #expect(attached.warnings == ["ignoring --container-mounts when attaching to a running container (pyxis_train keeps its own mounts)"])
    }

    @Test func jobScopeNamesAndTheBatchStep() throws {
        var batch = step
        batch.stepID = StepInfo.batchStep
        let plan = try ContainerPlan.decide(options: options(image: "/i.sqsh"), config: config("container_scope=job"), step: batch,
                                            listing: nil, rootfsWritable: false, squashfuse: { fuse })
        #expect(plan.containerName == "pyxis_42_42.batch")
        #expect(ContainerPlan.needsListing(try options(image: "/i.sqsh")) == false)
        #expect(ContainerPlan.needsListing(try options(name: "x")) == true)
    }

    @Test func privilegedOnlyForRootWithAllowSuperuser() {
        #expect(StepInfo.isPrivileged(uid: 0, allowSuperuser: "y"))
        #expect(StepInfo.isPrivileged(uid: 0, allowSuperuser: "1"))
        #expect(!StepInfo.isPrivileged(uid: 0, allowSuperuser: "no"))
        #expect(!StepInfo.isPrivileged(uid: 0, allowSuperuser: "FALSE"))
        #expect(!StepInfo.isPrivileged(uid: 0, allowSuperuser: nil))
        #expect(!StepInfo.isPrivileged(uid: 0, allowSuperuser: ""))
        #expect(!StepInfo.isPrivileged(uid: 1000, allowSuperuser: "y"))
    }
}

@Suite struct TaskEnvironmentTests {
    @Test func localeIsDroppedUnlessPinnedAndContainerValuesWin() throws {
        let container = Environment([("PATH", "/usr/bin"), ("FOO", "image")])
        let task = Environment([("LANG", "en_US.UTF-8"), ("FOO", "host"), ("SLURM_JOB_ID", "1")])
        let changes = try TaskEnvironmentChanges.compute(container: container, task: task, pinned: [])
        #expect(changes.unset == ["LANG", "LANGUAGE", "LC_ALL"])
        #expect(changes.set == [Variable("PATH", "/usr/bin"), Variable("FOO", "image")])

        let pinned = try TaskEnvironmentChanges.compute(container: container, task: task, pinned: ["FOO", "LANG"])
        #expect(pinned.unset == ["LANGUAGE", "LC_ALL"])
        #expect(pinned.set == [Variable("PATH", "/usr/bin")])
    }

    /// `--container-env NAME` with NAME unset on the host changes nothing: the image's value stays.
    @Test func aPinnedNameTheHostDoesNotSetKeepsTheImageValue() throws {
        let container = Environment([("CUDA_VERSION", "11.8.0"), ("FOO", "image")])
        let task = Environment([("FOO", "host")])
        let changes = try TaskEnvironmentChanges.compute(container: container, task: task, pinned: ["CUDA_VERSION", "FOO"])
        #expect(changes.set == [Variable("CUDA_VERSION", "11.8.0")])
    }

    /// The container process is one per node: its PMI_RANK (copied by the PMI hook) is not this
    /// task's, and MPI ranks that took it would all be one rank.
    @Test func aTaskKeepsItsOwnIdentity() throws {
        let container = Environment([("PMI_RANK", "0"), ("PMI_SIZE", "4"), ("PMIX_RANK", "0"), ("SLURM_PROCID", "0"),
                                     ("SLURM_LOCALID", "0"), ("SLURM_TASK_PID", "10"), ("PMI_FD", "5")])
        let task = Environment([("PMI_RANK", "3"), ("PMIX_RANK", "3"), ("SLURM_PROCID", "3"), ("SLURM_LOCALID", "1"),
                                ("SLURM_TASK_PID", "13"), ("PMI_FD", "7")])
        let changes = try TaskEnvironmentChanges.compute(container: container, task: task, pinned: [])
        #expect(changes.set == [Variable("PMI_SIZE", "4")])
        // A task without them (no MPI plugin) takes what the container has.
        let plain = try TaskEnvironmentChanges.compute(container: Environment([("PMI_RANK", "0")]), task: Environment(), pinned: [])
        #expect(plain.set == [Variable("PMI_RANK", "0")])
    }

    @Test func containerLocaleIsKept() throws {
        let changes = try TaskEnvironmentChanges.compute(container: Environment([("LANG", "C.UTF-8")]), task: Environment(), pinned: [])
        #expect(changes.unset == ["LANGUAGE", "LC_ALL"])
        #expect(changes.set == [Variable("LANG", "C.UTF-8")])
    }

    @Test func pytorchImagesGetTheTaskRanks() throws {
        let task = Environment([("SLURM_JOB_ID", "7"), ("SLURM_PROCID", "5"), ("SLURM_LOCALID", "1")])
        let pytorch = try TaskEnvironmentChanges.compute(container: Environment([("PYTORCH_VERSION", "2.3")]), task: task, pinned: [])
        #expect(pytorch.set == [Variable("PYTORCH_VERSION", "2.3"), Variable("RANK", "5"), Variable("LOCAL_RANK", "1")])
        let plain = try TaskEnvironmentChanges.compute(container: Environment([("A", "b")]), task: task, pinned: [])
        #expect(plain.set == [Variable("A", "b")])
    }
}
