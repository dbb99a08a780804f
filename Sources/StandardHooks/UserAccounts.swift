/// enroot's `10-shadow.sh`, the database part: passwd and group entries for root, nobody and the
/// user (the image's own lines first, minus `_apt`, which would make apt drop privileges and
/// fail), checked by pwck/grpck (see `PasswdCheck`, `GroupCheck`), then the three generated
/// lines moved to the top (`tail -n 3; head -n -3`).
public enum UserAccounts {
    /// The calling user as `getent passwd UID` / `getent group GID` print them, split the way the
    /// script's `IFS=: read` splits them (missing fields empty; the last one takes the rest).
    public struct HostUser: Equatable, Sendable {
        public var name = "", uid = "", gecos = "", home = "", shell = ""
        public var group = "", gid = ""

        public init(passwdLine: String, groupLine: String) {
            let user = Self.read(passwdLine, 7)
            (name, uid, gecos, home, shell) = (user[0], user[2], user[4], user[5], user[6])
            let group = Self.read(groupLine, 4)
            (self.group, gid) = (group[0], group[2])
        }

        static func read(_ text: String, _ count: Int) -> [String] {
            let line = text.prefix(while: { $0 != "\n" })
            var fields = line.split(separator: ":", maxSplits: count - 1, omittingEmptySubsequences: false).map(String.init)
            while fields.count < count { fields.append("") }
            return fields
        }
    }

    public struct Files: Equatable, Sendable {
        public var passwd, group: String
        /// Whether pwck/grpck rewrote the candidate file: the script's `tail; head > FILE-` then
        /// truncates the backup they left (mode 0600, like the mktemp file) instead of creating
        /// a file with the umask's mode.
        public var passwdChecked, groupChecked: Bool
        /// New contents, nil when pwck/grpck left the file alone.
        public var shadow, groupShadow: String?
    }

    /// - Parameters:
    ///   - shell: the login shell of the generated entries (the user's when executable in the image).
    ///   - shadow: the image's `/etc/shadow`, nil when it has none.
    ///   - groupShadow: the image's `/etc/gshadow`, nil when it has none (grpck creates it).
    public static func files(
        user: HostUser, shell: String, nobody: String, nogroup: String,
        passwd: String, group: String, shadow: String?, groupShadow: String?,
        ageing: PasswdCheck.Ageing
    ) -> Files {
        let generatedPasswd = [
            "root:x:0:0:root:/root:\(shell)",
            "nobody:x:\(nobody):\(nogroup):nobody:/:/sbin/nologin",
            "\(user.name):x:\(user.uid):\(user.gid):\(user.gecos):\(user.home):\(shell)",
        ]
        let generatedGroup = ["root:x:0:", "nogroup:x:\(nogroup):", "\(user.group):x:\(user.gid):"]

        let groupBefore = AccountDatabase<GroupEntry>(lines: withoutApt(group.fileLines + generatedGroup))
        let groupShadowBefore = AccountDatabase<GroupShadowEntry>(text: groupShadow ?? "")
        var groupFile = groupBefore, groupShadowFile = groupShadowBefore
        GroupCheck.run(group: &groupFile, groupShadow: &groupShadowFile, users: GroupCheck.users(inPasswd: passwd))
        // grpck writes group, then gshadow; a write that fails stops there (see `failsToWrite`).
        if groupFile.failsToWrite {
            groupFile.writeFailed(original: groupBefore)
            groupShadowFile = groupShadowBefore
        } else if groupShadowFile.failsToWrite {
            groupShadowFile.writeFailed(original: groupShadowBefore)
        }

        let passwdBefore = AccountDatabase<PasswdEntry>(lines: withoutApt(passwd.fileLines + generatedPasswd))
        let shadowBefore = shadow.map { AccountDatabase<ShadowEntry>(text: $0) }
        var passwdFile = passwdBefore, shadowFile = shadowBefore
        PasswdCheck.run(passwd: &passwdFile, shadow: &shadowFile, ageing: ageing)
        // pwck writes passwd, then shadow, likewise.
        if passwdFile.failsToWrite {
            passwdFile.writeFailed(original: passwdBefore)
            shadowFile = shadowBefore
        } else if let before = shadowBefore, shadowFile?.failsToWrite == true {
            shadowFile?.writeFailed(original: before)
        }

        return Files(
            passwd: generatedFirst(passwdFile.textLines), group: generatedFirst(groupFile.textLines),
            passwdChecked: passwdFile.changed, groupChecked: groupFile.changed,
            shadow: shadowFile.flatMap { $0.changed ? $0.text : nil },
            groupShadow: groupShadowFile.changed ? groupShadowFile.text : nil)
    }

    /// `sed '/^_apt:/d'`
    static func withoutApt(_ lines: [String]) -> [String] { lines.filter { !$0.hasPrefix("_apt:") } }

    /// `{ tail -n -3 FILE; head -n -3 FILE; }`
    static func generatedFirst(_ lines: [String]) -> String {
        let split = max(lines.count - 3, 0)
        return (lines[split...] + lines[..<split]).map { $0 + "\n" }.joined()
    }
}

/// The home and mail spool part of `10-shadow.sh`, from the `def_*` settings.
public struct UserHome: Equatable, Sendable {
    /// Create the home (it does not exist) when `CREATE_HOME` is `yes` (the default).
    public var create: Bool
    /// `umask ${def_UMASK:-077}` for the `mkdir -p`, nil when it is not an octal mask (the
    /// script's `umask` then fails, and the hook with it).
    public var umask: UInt32?
    public var umaskText: String
    public var skeleton: String
    /// The mailbox to create (`$MAIL_DIR/$user`) when `CREATE_MAIL_SPOOL` is `yes`.
    public var mailDirectory: String?

    public init(defaults: AccountDefaults) {
        create = defaults.value("CREATE_HOME", or: "yes") == "yes"
        umaskText = defaults.value("UMASK", or: "077")
        umask = Self.octal(umaskText)
        skeleton = defaults.value("SKEL", or: "/etc/skel")
        mailDirectory = defaults.value("CREATE_MAIL_SPOOL", or: "no") == "yes" ? defaults.value("MAIL_DIR", or: "/var/mail") : nil
    }

    /// bash's `umask MODE` for an octal MODE: any number of octal digits (`00027`), at most 0777.
    static func octal(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.allSatisfy({ $0 >= "0" && $0 <= "7" }) else { return nil }
        let digits = text.drop(while: { $0 == "0" })
        guard digits.count <= 3 else { return nil }
        return digits.isEmpty ? 0 : UInt32(digits, radix: 8)
    }

    /// The shell of the generated entries: the user's if `ROOTFS+shell` is executable, else
    /// `${def_SHELL:-/bin/sh}`.
    public static func shell(_ userShell: String, executableInImage: Bool, defaults: AccountDefaults) -> String {
        executableInImage ? userShell : defaults.value("SHELL", or: "/bin/sh")
    }
}
