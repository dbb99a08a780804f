/// enroot starts every unprivileged container in a new user namespace (the user mapped to
/// root) with a new mount namespace in it. The kernel's switches can forbid that: Debian's
/// `kernel.unprivileged_userns_clone`, `user.max_user_namespaces`, and Ubuntu's AppArmor
/// restriction (`kernel.apparmor_restrict_unprivileged_userns`: the user namespace is made but
/// has no capabilities, so the mount namespace fails). The trial makes both as the user.
public enum UserNamespaceCheck {
    public static let name = "user namespaces"
    static let sysctls = (
        clone: "/proc/sys/kernel/unprivileged_userns_clone",
        maximum: "/proc/sys/user/max_user_namespaces",
        apparmor: "/proc/sys/kernel/apparmor_restrict_unprivileged_userns")

    public struct Facts: Equatable, Sendable {
        public var user: DoctorUser
        /// The sysctls' values (nil: this kernel has no such switch).
        public var unprivilegedClone: String?
        public var maxUserNamespaces: String?
        public var apparmorRestrict: String?
        public var trial: UserTrial

        public init(user: DoctorUser, unprivilegedClone: String? = nil, maxUserNamespaces: String? = nil,
                    apparmorRestrict: String? = nil, trial: UserTrial = UserTrial()) {
            self.user = user
            self.unprivilegedClone = unprivilegedClone
            self.maxUserNamespaces = maxUserNamespaces
            self.apparmorRestrict = apparmorRestrict
            self.trial = trial
        }
    }

    public static func gather(_ node: NodeProbe, user: DoctorUser, trial: UserTrial) -> Facts {
        func value(_ path: String) -> String? {
            node.readText(path).map { String($0.split(separator: "\n").first ?? "") }
        }
        return Facts(user: user, unprivilegedClone: value(sysctls.clone), maxUserNamespaces: value(sysctls.maximum),
                     apparmorRestrict: value(sysctls.apparmor), trial: trial)
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let who = facts.user.described, note = facts.user.standInNote
        func persist(_ setting: String) -> String {
            "sysctl -w \(setting), and keep it in /etc/sysctl.d/99-pyxis.conf"
        }
        if facts.unprivilegedClone == "0" {
            return .failure(name, "kernel.unprivileged_userns_clone is 0: users cannot create user namespaces, enroot cannot start containers",
                            fix: persist("kernel.unprivileged_userns_clone=1"))
        }
        if facts.maxUserNamespaces == "0" {
            return .failure(name, "user.max_user_namespaces is 0: nobody can create user namespaces", fix: persist("user.max_user_namespaces=65536"))
        }
        if facts.apparmorRestrict == "1" {
            return .failure(name, "kernel.apparmor_restrict_unprivileged_userns is 1 (Ubuntu): a user namespace gets no capabilities, enroot cannot mount",
                            fix: "\(persist("kernel.apparmor_restrict_unprivileged_userns=0")), or give enroot an AppArmor profile that allows `userns,`")
        }
        if let unavailable = facts.trial.unavailable {
            return .failure(name, "could not try as \(who): \(unavailable)\(note)", fix: "run pyxis-doctor as root, or as the user without --user")
        }
        if let step = facts.trial.failedStep {
            let reason = facts.trial.namespaceErrno.map(describeErrno) ?? "failed"
            let what: String
            switch step {
            case .userNamespace: what = "unshare(CLONE_NEWUSER)"
            case .idMaps: what = "mapping the user to root in the new user namespace (uid_map/gid_map)"
            case .mountNamespace: what = "unshare(CLONE_NEWNS) inside the new user namespace"
            }
            return .failure(name, "as \(who), \(what): \(reason); enroot does this to start every container\(note)",
                            fix: "allow unprivileged user namespaces (a seccomp profile, a container runtime or an LSM may forbid them)")
        }
        return .ok(name, "\(who) can create a user namespace, map itself to root and unshare mounts, as enroot does\(note)")
    }
}
