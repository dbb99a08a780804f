import Glibc

/// The passwd entry of a uid (through NSS, as slurmd resolves users).
public struct PasswdEntry: Sendable {
    public var name: String
    public var home: String
    /// The login shell as written (empty: `/bin/sh`).
    public var shell: String
    public var gid: UInt32

    public init?(uid: UInt32) {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let name = entry.pw_name, let home = entry.pw_dir else { return nil }
        self.name = String(cString: name)
        self.home = String(cString: home)
        self.shell = entry.pw_shell.map { String(cString: $0) } ?? ""
        self.gid = entry.pw_gid
    }

    /// The user's supplementary groups (getgrouplist).
    public func groups(gid: UInt32) -> [UInt32] {
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var n = count
            if getgrouplist(name, gid, &groups, &n) >= 0 {
                return Array(groups.prefix(Int(n)))
            }
            guard n > count, n < 65536 else { return [gid] }
            count = n
        }
    }
}
