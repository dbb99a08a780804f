/// Where `getent passwd UID` (enroot's `common::getpwent`) finds the calling user.
///
/// The hooks run in a static executable (no in-process NSS), so they read `/etc/passwd` and
/// `/etc/group` themselves when the node's `nsswitch.conf` asks files first (or says nothing,
/// glibc's default), and only otherwise, or when the files lack the id, run `getent`.
public enum NameService {
    public static func filesFirst(database: String, nsswitch: String?) -> Bool {
        guard let nsswitch else { return true }
        for line in nsswitch.split(separator: "\n") {
            let words = String(line.prefix(while: { $0 != "#" })).blankSeparatedFields
            guard let key = words.first, key == "\(database):" else { continue }
            return words.count < 2 || words[1] == "files"
        }
        return true
    }

    /// The line `getent passwd UID` prints from a passwd file: the first valid entry with that uid.
    public static func passwdLine(uid: String, in text: String) -> String? {
        guard let id = UInt32(uid) else { return nil }
        return text.fileLines.lazy.compactMap(PasswdEntry.init(line:)).first(where: { $0.uid == id })?.line
    }

    /// The line `getent group GID` prints from a group file.
    public static func groupLine(gid: String, in text: String) -> String? {
        guard let id = UInt32(gid) else { return nil }
        return text.fileLines.lazy.compactMap(GroupEntry.init(line:)).first(where: { $0.gid == id })?.line
    }

    /// The outside id of the namespace's first mapping (`read -r x uid x < /proc/self/uid_map`).
    public static func mappedID(_ map: String) -> String {
        let line = map.prefix(while: { $0 != "\n" })
        let fields = String(line).blankSeparatedFields
        return fields.count > 1 ? String(fields[1]) : ""
    }
}
