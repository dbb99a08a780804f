import PyxisCore

/// The user's login shell runs commands: enroot runs the container's command through it
/// (`LoginShell`), so `nologin` or `false` makes every start fail; the plugin refuses such a
/// step before enroot runs, with the same words.
public enum LoginShellCheck {
    public static let name = "login shell"

    public struct Facts: Equatable, Sendable {
        public var user: DoctorUser
        /// `ENROOT_LOGIN_SHELL` as enroot's script and configuration files set it.
        public var enrootUsesLoginShell: Bool

        public init(user: DoctorUser, enrootUsesLoginShell: Bool) {
            self.user = user
            self.enrootUsesLoginShell = enrootUsesLoginShell
        }
    }

    public static func gather(user: DoctorUser, enroot: EnrootCheck.Facts) -> Facts {
        Facts(user: user, enrootUsesLoginShell: enroot.isEnabled("ENROOT_LOGIN_SHELL"))
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let user = facts.user
        if user.isStandIn {
            return .ok(name, "not checked for \(user.name), which stands in for users: --user NAME checks a user's shell")
        }
        guard facts.enrootUsesLoginShell else {
            return .ok(name, "enroot runs commands without the login shell (ENROOT_LOGIN_SHELL is off)")
        }
        if let problem = LoginShell.problem(user: user.name, shell: user.shell) {
            return .failure(name, problem + ": every container step of theirs fails", fix: LoginShell.fix(user: user.name))
        }
        return .ok(name, "\(user.described) has the login shell \(user.shell.isEmpty ? "/bin/sh (empty field)" : user.shell), which runs commands")
    }
}
