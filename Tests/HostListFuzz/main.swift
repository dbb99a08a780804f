// libFuzzer entry point for HostList (not a SwiftPM target: scripts/fuzz-hostlist builds it with
// `swiftc -sanitize=fuzzer,address` together with the EnvRemap sources).
//
// Invariants checked on every input that parses: `count`, `first` and `expanded()` agree, and
// every expanded name is non-empty; a malformed input must throw, never trap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHostList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let list = try? HostList(parsing: text) else { return 0 }
    let first = list.first
    let limit = 4096
    if list.count <= UInt64(limit) {
        guard let hosts = try? list.expanded(limit: limit) else {
            preconditionFailure("expanded() threw below its limit for \(text.debugDescription)")
        }
        precondition(UInt64(hosts.count) == list.count, "count mismatch for \(text.debugDescription)")
        precondition(hosts.first == first, "first mismatch for \(text.debugDescription)")
        precondition(hosts.allSatisfy { !$0.isEmpty }, "empty name for \(text.debugDescription)")
    } else {
        precondition((try? list.expanded(limit: limit)) == nil, "expanded() ignored its limit")
    }
    // The layout parser shares the input: it must not trap either.
    _ = try? TasksPerNode(parsing: text)
    _ = EnvironmentFile.parse(Array(text.utf8))
    return 0
}
