import Testing
@testable import EnvRemap

struct PyTorchRemapTests {
    static let image = Environment([("PATH", "/usr/bin"), ("PYTORCH_VERSION", "2.3.0")])

    static let singleNode: [String: String] = [
        "SLURM_JOB_ID": "1234", "SLURM_STEP_NODELIST": "node001", "SLURM_NTASKS": "1",
        "SLURM_NNODES": "1", "SLURM_NODEID": "0", "SLURM_TASKS_PER_NODE": "1",
    ]

    static let multiNode: [String: String] = [
        "SLURM_JOB_ID": "987654", "SLURM_STEP_NODELIST": "gpu[017-020]", "SLURM_NTASKS": "14",
        "SLURM_STEP_NUM_NODES": "4", "SLURM_NNODES": "8", "SLURM_NODEID": "3",
        "SLURM_STEP_TASKS_PER_NODE": "4(x3),2", "SLURM_TASKS_PER_NODE": "8(x8)",
    ]

    func names(_ variables: [Variable]) -> [String] { variables.map(\.description) }

    @Test func singleNodeStep() throws {
        let added = try PyTorchRemap.additions(slurm: Environment(Self.singleNode), container: Self.image, scope: .node)
        #expect(names(added) == [
            "MASTER_ADDR=node001", "MASTER_PORT=\(61000 + 1234 % 4536)", "WORLD_SIZE=1",
            "LOCAL_WORLD_SIZE=1", "NODE_RANK=0", "GROUP_RANK=0", "GROUP_WORLD_SIZE=1",
        ])
    }

    @Test func multiNodeStepPrefersStepVariables() throws {
        let added = try PyTorchRemap.additions(slurm: Environment(Self.multiNode), container: Self.image, scope: .node)
        #expect(names(added) == [
            "MASTER_ADDR=gpu017", "MASTER_PORT=\(61000 + 987654 % 4536)", "WORLD_SIZE=14",
            "LOCAL_WORLD_SIZE=2", "NODE_RANK=3", "GROUP_RANK=3", "GROUP_WORLD_SIZE=4", "OMP_NUM_THREADS=1",
        ])
    }

    @Test func fallsBackToJobVariables() throws {
        let slurm = Environment([
            ("SLURM_JOB_ID", "7"), ("SLURM_JOB_NODELIST", "b[2-3]"), ("SLURM_STEP_NUM_TASKS", "2"),
            ("SLURM_NNODES", "2"), ("SLURM_NODEID", "1"), ("SLURM_TASKS_PER_NODE", "1(x2)"),
        ])
        let added = try PyTorchRemap.additions(slurm: slurm, container: Self.image, scope: .node)
        #expect(names(added) == [
            "MASTER_ADDR=b2", "MASTER_PORT=61007", "WORLD_SIZE=2", "LOCAL_WORLD_SIZE=1",
            "NODE_RANK=1", "GROUP_RANK=1", "GROUP_WORLD_SIZE=2",
        ])
    }

    @Test func ranksWhenVisible() throws {
        var slurm = Self.singleNode
        slurm["SLURM_PROCID"] = "5"
        slurm["SLURM_LOCALID"] = "1"
        let node = try PyTorchRemap.additions(slurm: Environment(slurm), container: Self.image, scope: .node)
        #expect(names(node).contains("RANK=5"))
        #expect(names(node).contains("LOCAL_RANK=1"))
        let task = try PyTorchRemap.additions(slurm: Environment(slurm), container: Self.image, scope: .task)
        #expect(names(task) == ["RANK=5", "LOCAL_RANK=1"])
    }

    @Test func neverOverridesTheContainer() throws {
        let container = Environment([
            ("PYTORCH_VERSION", "2"), ("MASTER_ADDR", "mine"), ("MASTER_PORT", "1"),
            ("WORLD_SIZE", "3"), ("OMP_NUM_THREADS", "8"), ("RANK", "0"),
        ])
        var slurm = Self.multiNode
        slurm["SLURM_PROCID"] = "2"
        let added = try PyTorchRemap.additions(slurm: Environment(slurm), container: container, scope: .node)
        #expect(names(added) == ["LOCAL_WORLD_SIZE=2", "NODE_RANK=3", "GROUP_RANK=3", "GROUP_WORLD_SIZE=4"])
    }

    @Test func nothingWithoutGateOrJob() throws {
        #expect(try PyTorchRemap.additions(slurm: Environment(Self.multiNode), container: Environment(), scope: .node).isEmpty)
        var slurm = Self.multiNode
        slurm["SLURM_JOB_ID"] = nil
        #expect(try PyTorchRemap.additions(slurm: Environment(slurm), container: Self.image, scope: .node).isEmpty)
        var settings = PyTorchSettings()
        settings.enabled = false
        #expect(try PyTorchRemap.additions(slurm: Environment(Self.multiNode), container: Self.image, scope: .node, settings: settings).isEmpty)
    }

    @Test func siteSettings() throws {
        var settings = PyTorchSettings()
        settings.masterPortBase = 20000
        settings.masterPortRange = 100
        settings.masterAddr = .template("{short}-ib.fabric")
        settings.disabled = [.ompNumThreads, .groupRank, .nodeRank]
        settings.gate = "TORCH_HOME"
        let container = Environment([("TORCH_HOME", "/t")])
        var slurm = Self.multiNode
        slurm["SLURM_STEP_NODELIST"] = "gpu017.cluster,gpu018.cluster"
        let added = try PyTorchRemap.additions(slurm: Environment(slurm), container: container, scope: .node, settings: settings)
        #expect(names(added) == [
            "MASTER_ADDR=gpu017-ib.fabric", "MASTER_PORT=\(20000 + 987654 % 100)", "WORLD_SIZE=14",
            "LOCAL_WORLD_SIZE=2", "GROUP_WORLD_SIZE=4",
        ])
    }

    @Test(arguments: [
        (HostRewrite.none, "n1.c", "n1.c"),
        (.suffix("-ib"), "n1", "n1-ib"),
        (.template("{host}.ib"), "n1.c", "n1.c.ib"),
        (.template("ib-{short}"), "n1.c", "ib-n1"),
        (.template("{other}{short}"), "n1", "{other}n1"),
    ])
    func rewrites(_ rewrite: HostRewrite, _ host: String, _ expected: String) {
        #expect(rewrite.apply(to: host) == expected)
    }

    @Test(arguments: [
        ("SLURM_STEP_NODELIST", "n[1-", RemapError.hostList(name: "SLURM_STEP_NODELIST", value: "n[1-", .unbalancedBracket(offset: 1))),
        ("SLURM_JOB_ID", "12a", .notANumber(name: "SLURM_JOB_ID", value: "12a")),
        ("SLURM_NTASKS", "-1", .notANumber(name: "SLURM_NTASKS", value: "-1")),
        ("SLURM_NODEID", "9", .nodeOutOfRange(nodeID: 9, name: "SLURM_STEP_TASKS_PER_NODE", value: "4(x3),2")),
        ("SLURM_STEP_TASKS_PER_NODE", "4(x", .tasksPerNode(name: "SLURM_STEP_TASKS_PER_NODE", .malformed("4(x"))),
    ])
    func malformedInputsAreErrors(_ name: String, _ value: String, _ error: RemapError) {
        var slurm = Self.multiNode
        slurm[name] = value
        #expect(throws: error) {
            try PyTorchRemap.additions(slurm: Environment(slurm), container: Self.image, scope: .node)
        }
    }

    @Test func missingNodeListIsAnError() {
        var slurm = Self.multiNode
        slurm["SLURM_STEP_NODELIST"] = nil
        #expect(throws: RemapError.missing("SLURM_STEP_NODELIST", needed: "MASTER_ADDR")) {
            try PyTorchRemap.additions(slurm: Environment(slurm), container: Self.image, scope: .node)
        }
        #expect(RemapError.missing("SLURM_STEP_NODELIST", needed: "MASTER_ADDR").description
            == "SLURM_STEP_NODELIST is not set (needed for MASTER_ADDR)")
    }
}
