import HookSupport
import StandardHooks

/// The calling user as enroot's `common::getpwent`/`getgrent` find it: the outside ids of the
/// user namespace, looked up in the node's passwd and group databases.
enum HostAccounts {
    static func callingUser() throws(HookFailure) -> UserAccounts.HostUser {
        let uid = NameService.mappedID(try ShadowHook.text("/proc/self/uid_map"))
        let gid = NameService.mappedID(try ShadowHook.text("/proc/self/gid_map"))
        let nsswitch = ShadowHook.regularFile("/etc/nsswitch.conf")
        return UserAccounts.HostUser(
            passwdLine: lookup("passwd", uid, nsswitch: nsswitch, NameService.passwdLine(uid:in:)) ?? "",
            groupLine: lookup("group", gid, nsswitch: nsswitch, NameService.groupLine(gid:in:)) ?? "")
    }

    static func lookup(
        _ database: String, _ id: String, nsswitch: String?, _ fromFile: (String, String) -> String?
    ) -> String? {
        if NameService.filesFirst(database: database, nsswitch: nsswitch),
           let file = ShadowHook.regularFile("/etc/" + database), let line = fromFile(id, file) {
            return line
        }
        return getentBytes(database, id).map(String.init(bytes:))
    }
}
