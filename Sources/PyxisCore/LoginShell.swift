/// enroot runs the container's command through the user's login shell (`enroot-switchroot
/// --login`, while `ENROOT_LOGIN_SHELL` is on, its default). Its 10-shadow hook copies the
/// host's shell into the container's passwd, or `/bin/sh` when the image has no such file. So
/// a shell that exists to refuse logins (`nologin`, `false`) makes every start fail with
/// "This account is currently not available" in enroot's log, while a shell the node lacks
/// does no harm. The plugin and the doctor both ask this (docs/design.md, "Login shells").
public enum LoginShell {
    /// Programs that print a refusal and exit non-zero whatever they are asked to run.
    static let refusingPrograms: Set<Substring> = ["nologin", "false"]

    /// Whether `shell` (a passwd entry's last field; empty means `/bin/sh`) refuses commands.
    public static func refusesCommands(_ shell: String) -> Bool {
        guard let name = shell.split(separator: "/").last else { return false }
        return refusingPrograms.contains(name)
    }

    /// What is wrong, when user `name`'s login shell cannot run the container's command.
    public static func problem(user name: String, shell: String) -> String? {
        guard refusesCommands(shell) else { return nil }
        return "user \(verbatim(name))'s login shell \(verbatim(shell)) cannot run commands, and enroot runs the container's command through it (ENROOT_LOGIN_SHELL)"
    }

    /// How to fix it, for the step's error and the doctor.
    public static func fix(user name: String) -> String {
        "give the user a shell that runs commands (usermod --shell /bin/bash \(name)), or set ENROOT_LOGIN_SHELL=no in enroot.conf or the job's environment"
    }
}
