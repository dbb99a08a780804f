import Testing
@testable import EnvRemap

struct HostListTests {
    @Test(arguments: [
        ("node1", ["node1"]),
        ("node[001-004,010]", ["node001", "node002", "node003", "node004", "node010"]),
        ("node[8-10]", ["node8", "node9", "node10"]),
        ("node[08-10]", ["node08", "node09", "node10"]),
        ("node[1-010]", ["node1", "node2", "node3", "node4", "node5", "node6", "node7", "node8", "node9", "node10"]),
        ("rack[1-2]-node[01-02]", ["rack1-node01", "rack1-node02", "rack2-node01", "rack2-node02"]),
        ("login,gpu[1-2],cpu7", ["login", "gpu1", "gpu2", "cpu7"]),
        ("a[3],b[0]", ["a3", "b0"]),
        ("[1-3]", ["1", "2", "3"]),
        ("n[1-2]x", ["n1x", "n2x"]),
        ("n[5,1]", ["n5", "n1"]),
        ("host.example.com", ["host.example.com"]),
        ("n[0-0]", ["n0"]),
        ("n[000]", ["n000"]),
    ])
    func expands(_ text: String, _ expected: [String]) throws {
        let list = try HostList(parsing: text)
        #expect(try list.expanded() == expected)
        #expect(list.first == expected.first)
        #expect(list.count == UInt64(expected.count))
    }

    @Test(arguments: [
        ("", HostListError.empty),
        ("a,,b", .emptyName(offset: 2)),
        ("a,", .emptyName(offset: 2)),
        (",a", .emptyName(offset: 0)),
        ("n[1-2", .unbalancedBracket(offset: 1)),
        ("n1-2]", .unbalancedBracket(offset: 4)),
        ("n[[1]]", .nestedBracket(offset: 2)),
        ("n[]", .emptyRange(offset: 2)),
        ("n[1,]", .emptyRange(offset: 4)),
        ("n[-2]", .emptyRange(offset: 2)),
        ("n[1-]", .emptyRange(offset: 4)),
        ("n[a-b]", .invalidRange(offset: 2)),
        ("n[1-2-3]", .invalidRange(offset: 4)),
        ("n[+1]", .invalidRange(offset: 2)),
        ("n[5-3]", .reversedRange(low: 5, high: 3, offset: 2)),
        ("n[1-9999999999999999999]", .numberTooLong(offset: 4)),
        ("a b", .invalidCharacter(32, offset: 1)),
        ("a\nb", .invalidCharacter(10, offset: 1)),
        ("a\tb", .invalidCharacter(9, offset: 1)),
    ])
    func rejects(_ text: String, _ expected: HostListError) {
        #expect(throws: expected) { try HostList(parsing: text) }
    }

    @Test func capsExpansion() throws {
        let list = try HostList(parsing: "n[0-999999999999999999]")
        #expect(list.count == 1_000_000_000_000_000_000)
        #expect(list.first == "n0")
        #expect(throws: HostListError.tooManyHosts(count: 1_000_000_000_000_000_000, limit: 1000)) {
            try list.expanded(limit: 1000)
        }
    }

    @Test func countSaturatesInsteadOfOverflowing() throws {
        let list = try HostList(parsing: "n[0-999999999999999999][0-999999999999999999]")
        #expect(list.count == .max)
        #expect(throws: HostListError.tooManyHosts(count: .max, limit: HostList.defaultLimit)) {
            try list.expanded()
        }
    }

    @Test func sixtyFourNodeStepList() throws {
        let list = try HostList(parsing: "gpu-a[001-032],gpu-b[101-132]")
        let hosts = try list.expanded()
        #expect(hosts.count == 64)
        #expect(hosts.first == "gpu-a001")
        #expect(hosts[32] == "gpu-b101")
        #expect(hosts.last == "gpu-b132")
    }

    @Test func errorMessagesNameTheProblem() {
        #expect(HostListError.reversedRange(low: 5, high: 3, offset: 2).description == "reversed range 5-3 at offset 2")
        #expect(HostListError.unbalancedBracket(offset: 1).description == "unbalanced bracket at offset 1")
    }
}
