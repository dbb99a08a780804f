// The user's home and passwd lookups (/etc/passwd, then getent).
import EnvRemap
import Glibc

/// The user's home as enroot's 10-home.sh finds it: `$HOME` when it is set and not empty, else
/// the passwd entry of the uid outside the user namespace (`common::getpwent`: the second field
/// of `/proc/self/uid_map`; never `$USER`, which the job can set to anyone).
///
/// The hooks run in `pyxis-tools`, a fully static executable (no dynamic loader: start-up at the floor),
/// where glibc's in-process NSS would need the build machine's libnss at run time. So passwd is
/// read directly from /etc/passwd, and only for users not found there (LDAP, SSSD) is
/// `getent passwd` asked, which uses the node's own NSS configuration.
public func userHome(_ process: Environment) -> String? {
    if let home = process["HOME"], !home.isEmpty { return home }
    let map = (try? Files.read("/proc/self/uid_map", what: "uid_map", missingOK: true)) ?? nil
    let uid = map.flatMap(outsideUID) ?? String(getuid())
    if let passwd = (try? Files.read("/etc/passwd", what: "passwd", missingOK: true)) ?? nil,
       let home = PasswdFile.home(of: uid, in: passwd) {
        return home
    }
    if let line = getentPasswd(uid), let home = PasswdFile.home(of: uid, in: Array(line.utf8)) { return home }
    return nil
}

/// `read -r x uid x < /proc/self/uid_map`: the second word of the first line.
func outsideUID(_ map: [UInt8]) -> String? {
    let firstLine = map.split(separator: UInt8(ascii: "\n")).first ?? []
    let words = firstLine.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
    guard words.count >= 2, words[1].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return String(decoding: words[1], as: UTF8.self)
}

enum PasswdFile {
    /// The home (field 6) of the entry whose name (field 1) or uid (field 3) is `key`.
    static func home(of key: String, in bytes: [UInt8]) -> String? {
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard fields.count >= 7 else { continue }
            let name = String(decoding: fields[0], as: UTF8.self)
            let uid = String(decoding: fields[2], as: UTF8.self)
            guard name == key || uid == key else { continue }
            let home = String(decoding: fields[5], as: UTF8.self)
            return home.isEmpty ? nil : home
        }
        return nil
    }
}

/// `getent passwd KEY`, or nil.
func getentPasswd(_ key: String) -> String? { getent("passwd", key) }

/// `getent DATABASE KEY` (the node's own NSS configuration), or nil when it finds nothing.
public func getent(_ database: String, _ key: String) -> String? {
    getentBytes(database, key).map { String(decoding: $0, as: UTF8.self) }
}

/// The bytes `getent DATABASE KEY` prints, or nil when it finds nothing.
public func getentBytes(_ database: String, _ key: String) -> [UInt8]? {
    guard let result = Subprocess.run(["getent", database, key], environment: ["PATH=/usr/bin:/bin:/usr/sbin:/sbin"], captureOutput: true),
          result.status == 0 else { return nil }
    return result.output
}
