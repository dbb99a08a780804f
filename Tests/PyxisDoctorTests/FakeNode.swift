@testable import PyxisDoctor

/// A node made of a table of paths: files with text or bytes, directories, links; commands' outputs.
final class FakeNode: NodeProbe {
    enum Entry {
        case file(String, mode: UInt32 = 0o644, uid: UInt32 = 0)
        case bytes([UInt8])
        case directory(mode: UInt32 = 0o755, uid: UInt32 = 0, gid: UInt32 = 0)
        case link(String)
        case device
    }

    var entries: [String: Entry] = [:]
    var outputs: [String: String] = [:]
    var trial = UserTrial()
    var seccompErrno: Int32 = 14   // EFAULT: supported

    init(_ entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    func readText(_ path: String) -> String? {
        let target = resolve(path)
        guard target.exists, case .file(let text, _, _) = entries[target.path] else { return nil }
        return text
    }

    func readBytes(_ path: String) -> [UInt8]? {
        let target = resolve(path)
        guard target.exists else { return nil }
        switch entries[target.path] {
        case .file(let text, _, _): return Array(text.utf8)
        case .bytes(let bytes): return bytes
        default: return nil
        }
    }

    func info(_ path: String) -> FileInfo? {
        switch entries[path] {
        case .file(_, let mode, let uid): FileInfo(.regular, uid: uid, mode: mode)
        case .bytes: FileInfo(.regular, mode: 0o755)
        case .directory(let mode, let uid, let gid): FileInfo(.directory, uid: uid, gid: gid, mode: mode)
        case .link: FileInfo(.symlink, mode: 0o777)
        case .device: FileInfo(.characterDevice, mode: 0o666)
        case nil: entries.keys.contains(where: { $0.hasPrefix(path + "/") }) ? FileInfo(.directory, mode: 0o755) : nil
        }
    }

    func linkTarget(_ path: String) -> String? {
        if case .link(let target) = entries[path] { return target }
        return nil
    }

    func entries(of directory: String) -> [String] {
        Set(entries.keys.filter { $0.hasPrefix(directory + "/") }.map { String($0.dropFirst(directory.count + 1).split(separator: "/")[0]) }).sorted()
    }

    /// `*` in the last component only, as the tests use it.
    func matches(_ pattern: String) -> [String] {
        let directory = Paths.directory(of: pattern), name = Paths.name(of: pattern)
        let parts = name.split(separator: "*", omittingEmptySubsequences: false)
        return entries(of: directory).filter { candidate in
            parts.count == 1 ? candidate == name : candidate.hasPrefix(parts[0]) && candidate.hasSuffix(parts[parts.count - 1])
        }.map { directory + "/" + $0 }
    }

    func run(_ path: String, _ arguments: [String]) -> String? { outputs[path] }
    func trial(as user: DoctorUser, fuseDevice: String) -> UserTrial { trial }
    func seccompProbeErrno() -> Int32 { seccompErrno }
}

let alice = DoctorUser(name: "alice", uid: 1000, gid: 1000, groups: [1000])
