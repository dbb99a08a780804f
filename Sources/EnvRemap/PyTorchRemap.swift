/// Where a remap runs: once per node in the enroot hook, or once per task in the plugin.
public enum RemapScope: Sendable, Equatable {
    /// The hook: node-wide variables, plus `RANK`/`LOCAL_RANK` when the task ids are visible.
    case node
    /// The plugin in each task: only the per-task `RANK` and `LOCAL_RANK`.
    case task
}

/// The variables the PyTorch rules can add, in the order they are written.
public enum PyTorchVariable: String, Sendable, CaseIterable {
    case masterAddr = "MASTER_ADDR"
    case masterPort = "MASTER_PORT"
    case worldSize = "WORLD_SIZE"
    case rank = "RANK"
    case localRank = "LOCAL_RANK"
    case localWorldSize = "LOCAL_WORLD_SIZE"
    case nodeRank = "NODE_RANK"
    case groupRank = "GROUP_RANK"
    case groupWorldSize = "GROUP_WORLD_SIZE"
    case ompNumThreads = "OMP_NUM_THREADS"
}

/// How `MASTER_ADDR` is derived from the first host of the step (sites whose fast network has
/// its own host names).
public enum HostRewrite: Sendable, Equatable {
    case none
    /// Appended to the host name: `node001` + `-ib` → `node001-ib`.
    case suffix(String)
    /// `{host}` is replaced by the host name, `{short}` by its part before the first dot.
    case template(String)

    public func apply(to host: String) -> String {
        switch self {
        case .none:
            return host
        case .suffix(let suffix):
            return host + suffix
        case .template(let template):
            let short = String(host.prefix { $0 != "." })
            return replacingPlaceholders(in: template, ["{host}": host, "{short}": short])
        }
    }
}

/// Site settings of the PyTorch rules (`[pytorch]` in the hooks configuration).
public struct PyTorchSettings: Sendable, Equatable {
    public var enabled = true
    /// The rules apply only when the container's environment has this variable.
    public var gate = "PYTORCH_VERSION"
    public var masterPortBase = 61000
    public var masterPortRange = 4536
    public var masterAddr = HostRewrite.none
    public var disabled: Set<PyTorchVariable> = []

    public init() {}
}

/// Why a remap could not compute a variable it had to.
public enum RemapError: Error, Equatable, CustomStringConvertible {
    case missing(String, needed: String)
    case notANumber(name: String, value: String)
    case hostList(name: String, value: String, HostListError)
    case tasksPerNode(name: String, TasksPerNodeError)
    case nodeOutOfRange(nodeID: Int, name: String, value: String)

    public var description: String {
        switch self {
        case .missing(let name, let needed):
            return "\(name) is not set (needed for \(needed))"
        case .notANumber(let name, let value):
            return "\(name)=\(value.debugDescription) is not a non-negative integer"
        case .hostList(let name, let value, let error):
            return "\(name)=\(value.debugDescription): \(error)"
        case .tasksPerNode(let name, let error):
            return "\(name): \(error)"
        case .nodeOutOfRange(let nodeID, let name, let value):
            return "SLURM_NODEID=\(nodeID) is beyond the nodes of \(name)=\(value)"
        }
    }
}

/// PyTorch's distributed variables from Slurm's, as `torch.distributed` and `torchrun` expect:
///
/// | variable | from | scope |
/// |---|---|---|
/// | `MASTER_ADDR` | first host of `SLURM_STEP_NODELIST` (else `SLURM_JOB_NODELIST`), site rewrite | node |
/// | `MASTER_PORT` | `base + SLURM_JOB_ID % range` (61000, 4536) | node |
/// | `WORLD_SIZE` | `SLURM_NTASKS` (else `SLURM_STEP_NUM_TASKS`) | node |
/// | `RANK`, `LOCAL_RANK` | `SLURM_PROCID`, `SLURM_LOCALID` when visible | node, task |
/// | `LOCAL_WORLD_SIZE` | entry `SLURM_NODEID` of `SLURM_STEP_TASKS_PER_NODE` (else `SLURM_TASKS_PER_NODE`) | node |
/// | `NODE_RANK`, `GROUP_RANK` | `SLURM_NODEID` | node |
/// | `GROUP_WORLD_SIZE` | `SLURM_STEP_NUM_NODES` (else `SLURM_NNODES`) | node |
/// | `OMP_NUM_THREADS` | `1` when the step has more tasks than nodes | node |
///
/// Nothing happens outside a Slurm job (`SLURM_JOB_ID` unset) or when the container's
/// environment lacks the gate (`PYTORCH_VERSION`). A variable already in the container's
/// environment is never replaced. Inputs that are absent skip their rule, except the node list
/// (without it there is no `MASTER_ADDR`); inputs that are malformed are errors.
public enum PyTorchRemap {
    /// - Parameters:
    ///   - slurm: where Slurm's variables are read (the hook's own environment, or the task's).
    ///   - container: the container's environment; its names are never overridden.
    public static func additions(
        slurm: Environment,
        container: Environment,
        scope: RemapScope,
        settings: PyTorchSettings = PyTorchSettings()
    ) throws(RemapError) -> [Variable] {
        guard settings.enabled, container.contains(settings.gate),
              let jobIDText = slurm["SLURM_JOB_ID"] else { return [] }

        var out: [Variable] = []
        func wants(_ variable: PyTorchVariable) -> Bool {
            !settings.disabled.contains(variable) && !container.contains(variable.rawValue)
        }
        func add(_ variable: PyTorchVariable, _ value: String) {
            out.append(Variable(variable.rawValue, value))
        }
        func number(_ name: String) throws(RemapError) -> Int? {
            guard let text = slurm[name] else { return nil }
            guard let value = parseCount(text) else { throw .notANumber(name: name, value: text) }
            return value
        }
        func firstNumber(_ names: String...) throws(RemapError) -> Int? {
            for name in names { if let value = try number(name) { return value } }
            return nil
        }

        if scope == .node {
            if wants(.masterAddr) {
                guard let (name, list) = first(in: slurm, "SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST") else {
                    throw .missing("SLURM_STEP_NODELIST", needed: "MASTER_ADDR")
                }
                do {
                    let hosts = try HostList(parsing: list)
                    add(.masterAddr, settings.masterAddr.apply(to: hosts.first))
                } catch {
                    throw .hostList(name: name, value: list, error)
                }
            }
            if wants(.masterPort) {
                guard let jobID = parseCount(jobIDText) else {
                    throw .notANumber(name: "SLURM_JOB_ID", value: jobIDText)
                }
                let range = max(settings.masterPortRange, 1)
                add(.masterPort, String(settings.masterPortBase + jobID % range))
            }
            let tasks = try firstNumber("SLURM_NTASKS", "SLURM_STEP_NUM_TASKS")
            if wants(.worldSize), let tasks { add(.worldSize, String(tasks)) }
        }

        if wants(.rank), let rank = try number("SLURM_PROCID") { add(.rank, String(rank)) }
        if wants(.localRank), let local = try number("SLURM_LOCALID") { add(.localRank, String(local)) }

        guard scope == .node else { return out }

        let nodeID = try number("SLURM_NODEID")
        if wants(.localWorldSize), let nodeID,
           let (name, text) = first(in: slurm, "SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE") {
            let layout: TasksPerNode
            do { layout = try TasksPerNode(parsing: text) } catch { throw .tasksPerNode(name: name, error) }
            guard let local = layout.tasks(onNode: nodeID) else {
                throw .nodeOutOfRange(nodeID: nodeID, name: name, value: text)
            }
            add(.localWorldSize, String(local))
        }
        if let nodeID {
            if wants(.nodeRank) { add(.nodeRank, String(nodeID)) }
            if wants(.groupRank) { add(.groupRank, String(nodeID)) }
        }
        let nodes = try firstNumber("SLURM_STEP_NUM_NODES", "SLURM_NNODES")
        if wants(.groupWorldSize), let nodes { add(.groupWorldSize, String(nodes)) }
        if wants(.ompNumThreads), let nodes,
           let tasks = try firstNumber("SLURM_NTASKS", "SLURM_STEP_NUM_TASKS"), tasks > nodes {
            add(.ompNumThreads, "1")
        }
        return out
    }

    private static func first(in environment: Environment, _ names: String...) -> (String, String)? {
        for name in names { if let value = environment[name] { return (name, value) } }
        return nil
    }
}

/// A non-negative decimal of at most 18 digits (Slurm ids and counts), or nil.
func parseCount(_ text: String) -> Int? {
    let bytes = text.utf8
    guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
    var value = 0
    for byte in bytes {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
}

/// Replaces each `{name}` placeholder found in `values`; other text is kept. Written by hand so
/// the module needs nothing beyond the core standard library (no _StringProcessing).
func replacingPlaceholders(in template: String, _ values: [String: String]) -> String {
    var out = ""
    var rest = template[...]
    while let open = rest.firstIndex(of: "{") {
        out += rest[rest.startIndex..<open]
        if let close = rest[open...].firstIndex(of: "}"), let value = values[String(rest[open...close])] {
            out += value
            rest = rest[rest.index(after: close)...]
        } else {
            out += "{"
            rest = rest[rest.index(after: open)...]
        }
    }
    return out + rest
}
