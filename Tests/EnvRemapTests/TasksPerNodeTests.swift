import Testing
@testable import EnvRemap

struct TasksPerNodeTests {
    @Test(arguments: [
        ("4", [4]),
        ("2(x3),1", [2, 2, 2, 1]),
        ("1,3(x2)", [1, 3, 3]),
        ("8(x64)", Array(repeating: 8, count: 64)),
    ])
    func expands(_ text: String, _ perNode: [Int]) throws {
        let layout = try TasksPerNode(parsing: text)
        for (node, tasks) in perNode.enumerated() { #expect(layout.tasks(onNode: node) == tasks) }
        #expect(layout.tasks(onNode: perNode.count) == nil)
        #expect(layout.tasks(onNode: -1) == nil)
    }

    @Test(arguments: ["", "2,,1", "2(x0)", "2(3)", "2(x3", "-1", "a", "2(x)", "1234567890", ",", "2(x3)x"])
    func rejects(_ text: String) {
        #expect(throws: TasksPerNodeError.malformed(text)) { try TasksPerNode(parsing: text) }
    }
}
