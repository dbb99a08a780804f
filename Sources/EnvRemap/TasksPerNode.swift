/// Slurm's compressed tasks-per-node list (`SLURM_TASKS_PER_NODE`, `SLURM_STEP_TASKS_PER_NODE`).
///
///     4            → [4]
///     2(x3),1      → [2, 2, 2, 1]
///     1,3(x2)      → [1, 3, 3]
///
/// Rejected: empty items (`2,,1`), `2(x0)`, `2(3)`, `2(x3`, signs, non-digits, numbers longer
/// than 9 digits.
public struct TasksPerNode: Sendable, Equatable {
    /// (tasks on each node, number of consecutive nodes with that count)
    public private(set) var runs: [(tasks: Int, nodes: Int)]

    public static func == (lhs: TasksPerNode, rhs: TasksPerNode) -> Bool {
        lhs.runs.elementsEqual(rhs.runs) { $0.tasks == $1.tasks && $0.nodes == $1.nodes }
    }

    public init(parsing text: String) throws(TasksPerNodeError) {
        runs = []
        guard !text.isEmpty else { throw .malformed(text) }
        for item in text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard let open = item.firstIndex(of: UInt8(ascii: "(")) else {
                runs.append((try Self.number(item, text), 1))
                continue
            }
            let tasks = try Self.number(item[item.startIndex..<open], text)
            let rest = item[item.index(after: open)...]
            guard rest.first == UInt8(ascii: "x"), rest.last == UInt8(ascii: ")"), rest.count >= 3 else {
                throw .malformed(text)
            }
            let repeats = try Self.number(rest.dropFirst().dropLast(), text)
            guard repeats > 0 else { throw .malformed(text) }
            runs.append((tasks, repeats))
        }
    }

    /// Tasks on the node with relative index `node` (`SLURM_NODEID`), or nil when out of range.
    public func tasks(onNode node: Int) -> Int? {
        guard node >= 0 else { return nil }
        var remaining = node
        for run in runs {
            if remaining < run.nodes { return run.tasks }
            remaining -= run.nodes
        }
        return nil
    }

    private static func number(_ digits: Substring.UTF8View, _ text: String) throws(TasksPerNodeError) -> Int {
        guard !digits.isEmpty, digits.count <= 9 else { throw .malformed(text) }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .malformed(text) }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

public enum TasksPerNodeError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            return "\(text.debugDescription) is not a tasks-per-node list like 2(x3),1"
        }
    }
}
