#if canImport(Glibc)
import Glibc
#endif
import PyxisSystem

/// Users by name or uid, through NSS as slurmd resolves them, with their groups.
public enum UserLookup {
    public static func named(_ name: String) -> DoctorUser? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return uid(entry.pw_uid)
    }

    public static func uid(_ uid: UInt32) -> DoctorUser? {
        guard let entry = PasswdEntry(uid: uid) else { return nil }
        return DoctorUser(name: entry.name, uid: uid, gid: entry.gid, groups: entry.groups(gid: entry.gid), shell: entry.shell)
    }
}
