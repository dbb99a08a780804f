// 10-shadow: passwd and group entries for root, nobody and the calling user (pwck/grpck's
// clean-up of the image's files included, see StandardHooks/UserAccounts.swift), the user's
// home from the skeleton, and the mail spool.
import Glibc
import HookSupport
import StandardHooks

enum ShadowHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        let root = try hook.imageRoot()
        let nobody = try firstLine("/proc/sys/kernel/overflowuid"), nogroup = try firstLine("/proc/sys/kernel/overflowgid")
        let user = try HostAccounts.callingUser()

        let loginDefs = try imageFile("/etc/login.defs", in: root)
        let useradd = try imageFile("/etc/default/useradd", in: root)
        let defaults: AccountDefaults
        do throws(AccountDefaultsError) {
            defaults = try AccountDefaults(loginDefs: loginDefs, useradd: useradd)
        } catch {
            throw HookFailure(error.description)
        }
        let shell = UserHome.shell(user.shell, executableInImage: FileSystem.isExecutable(try root.target(path(user.shell))), defaults: defaults)

        for name in ["/etc/passwd", "/etc/group"] where FileSystem.kind(try root.entry(name), follow: false) == nil {
            try FileSystem.createFile(try root.entry(name), [], mode: 0o666)  // `touch`
        }
        let shadow = try CheckedFile("/etc/shadow", in: root), groupShadow = try CheckedFile("/etc/gshadow", in: root)
        let files = UserAccounts.files(
            user: user, shell: shell, nobody: nobody, nogroup: nogroup,
            passwd: try text(try root.target("/etc/passwd")), group: try text(try root.target("/etc/group")),
            shadow: shadow.text, groupShadow: groupShadow.text,
            ageing: PasswdCheck.Ageing(today: time(nil) / 86400, loginDefs: loginDefs))

        // The script's order: grpck, group installed, pwck, passwd installed. A new gshadow gets
        // the mode grpck gives it; pwck never creates shadow.
        try groupShadow.write(files.groupShadow, newFileMode: 0o440)
        try FileSystem.replace(try root.entry("/etc/group"), files.group.bytes, mode: files.groupChecked ? 0o600 : 0o666 & ~FileSystem.umask)
        try shadow.write(files.shadow, newFileMode: 0o400)
        try FileSystem.replace(try root.entry("/etc/passwd"), files.passwd.bytes, mode: files.passwdChecked ? 0o600 : 0o666 & ~FileSystem.umask)

        let home = UserHome(defaults: defaults)
        try createHome(path(user.home), plan: home, in: root)
        if let mailDirectory = home.mailDirectory { try createMailbox(path(mailDirectory), user: path(user.name), in: root) }
    }

    /// A name read from an account or settings file (`String(bytes:)`), as a path for the system.
    static func path(_ text: String) -> String { String(decoding: text.bytes, as: UTF8.self) }

    static func firstLine(_ path: String) throws(HookFailure) -> String {
        let bytes = try Files.read(path, what: "file", missingOK: false) ?? []
        return String(bytes: Array(bytes.prefix(while: { $0 != UInt8(ascii: "\n") })))
    }

    /// A file's bytes as text that gives them back unchanged (`String(bytes:)`, `.bytes`): the
    /// image's account files are rewritten byte for byte, whatever their encoding.
    static func text(_ path: String) throws(HookFailure) -> String {
        String(bytes: try Files.read(path, what: "file", missingOK: false) ?? [])
    }

    /// A settings file, read when it is a regular file (`[ -f FILE ]`).
    static func regularFile(_ path: String) -> String? {
        guard FileSystem.kind(path) == .regular, let bytes = try? Files.read(path, what: "file", missingOK: true) else { return nil }
        return String(bytes: bytes)
    }

    /// A settings file of the image, where its links lead inside the image.
    static func imageFile(_ inImage: String, in root: ImageRoot) throws(HookFailure) -> String? {
        regularFile(try root.target(inImage))
    }

    /// `mkdir -p ROOTFS$HOME` under `umask ${def_UMASK:-077}` and the skeleton copied in, when the
    /// home does not exist and `CREATE_HOME` allows it.
    static func createHome(_ home: String, plan: UserHome, in root: ImageRoot) throws(HookFailure) {
        guard plan.create, FileSystem.kind(try root.target(home)) == nil else { return }
        guard let mask = plan.umask else { throw HookFailure("umask: \(plan.umaskText): octal number out of range") }
        let previous = umask(mode_t(mask))
        defer { umask(previous) }
        try root.makeDirectories(home)
        umask(previous)
        if FileSystem.kind(try root.target(plan.skeleton)) == .directory {
            try root.copyTree(plan.skeleton, into: home)
        }
    }

    /// `mkdir -p ROOTFS$MAIL_DIR` and `(umask 007 && touch ROOTFS$MAIL_DIR/$user)` when it does not exist.
    static func createMailbox(_ directory: String, user: String, in root: ImageRoot) throws(HookFailure) {
        let mailbox = directory + "/" + user
        guard FileSystem.kind(try root.target(mailbox)) == nil else { return }
        try root.makeDirectories(directory)
        let previous = umask(0o007)
        defer { umask(previous) }
        try FileSystem.createFile(try root.entry(mailbox), [], mode: 0o666)
    }
}
