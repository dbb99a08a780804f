// The user's home and passwd lookups (/etc/passwd, then getent).
import EnvRemap
import Glibc

/// The user's home: `$HOME`, else the passwd entry of `$USER`/`$LOGNAME`, of `$SLURM_JOB_UID`,
/// then of the real uid (which is 0 under a remapped root, hence last).
///
/// The hooks are built as fully static executables (no dynamic loader: start-up at the floor),
/// where glibc's in-process NSS would need the build machine's libnss at run time. So passwd is
/// read directly from /etc/passwd, and only for users not found there (LDAP, SSSD) is
/// `getent passwd` asked, which uses the node's own NSS configuration.
public func userHome(_ process: Environment) -> String? {
    if let home = process["HOME"], !home.isEmpty { return home }
    var keys: [String] = []
    for name in ["USER", "LOGNAME"] {
        if let user = process[name], !user.isEmpty, isPasswdKey(user) { keys.append(user) }
    }
    if let uid = process["SLURM_JOB_UID"], !uid.isEmpty, uid.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
        keys.append(uid)
    }
    keys.append(String(getuid()))
    let passwd = (try? Files.read("/etc/passwd", what: "passwd", missingOK: true)) ?? nil
    for key in keys {
        if let passwd, let home = PasswdFile.home(of: key, in: passwd) { return home }
    }
    for key in keys {
        if let line = getentPasswd(key), let home = PasswdFile.home(of: key, in: Array(line.utf8)) { return home }
    }
    return nil
}

/// A user name or uid that is safe to look up (no separators, no option-like leading dash).
func isPasswdKey(_ key: String) -> Bool {
    !key.hasPrefix("-") && !key.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 < 33 })
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
    guard let result = Subprocess.run(["getent", database, key], environment: ["PATH=/usr/bin:/bin:/usr/sbin:/sbin"], captureOutput: true),
          result.status == 0 else { return nil }
    return String(decoding: result.output, as: UTF8.self)
}
