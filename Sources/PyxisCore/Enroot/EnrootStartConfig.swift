import EnvRemap

/// The bash file given to `enroot start --conf`. enroot sources it and calls the functions it
/// defines: `mounts()` prints fstab lines, `environ()` prints `NAME=value` lines, `hooks()`
/// runs before the container's command.
///
/// Every user-supplied text is fstab-escaped where enroot reads fstab fields, then
/// shell-quoted, so no value can add a line to a file enroot reads or run a command.
public struct EnrootStartConfig: Equatable, Sendable {
    /// Mounts with sources already resolved against the job's working directory.
    public var mounts: [MountSpec]
    /// When false, `hooks()` makes `/etc/rc.local` exec the command directly, skipping the
    /// image's entrypoint.
    public var runEntrypoint: Bool
    /// The `--container-env` variables that are set in the job, in order.
    public var environment: [(name: String, value: String)]

    public init(mounts: [MountSpec], runEntrypoint: Bool, environment: [(name: String, value: String)]) {
        self.mounts = mounts
        self.runEntrypoint = runEntrypoint
        self.environment = environment
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.mounts == rhs.mounts && lhs.runEntrypoint == rhs.runEntrypoint
            && lhs.environment.map(\.name) == rhs.environment.map(\.name)
            && lhs.environment.map(\.value) == rhs.environment.map(\.value)
    }

    /// The file's text. Throws when a `--container-env` value holds a newline, which the
    /// environment file enroot builds cannot represent.
    public func render() throws(PyxisError) -> String {
        var text = "# Written by pyxis for enroot start --conf.\n"
        if !mounts.isEmpty {
            text += "mounts() {\n"
            for mount in mounts {
                text += "    printf '%s\\n' \(ShellQuoting.quote(mount.fstabLine))\n"
            }
            text += "}\n"
        }
        if !environment.isEmpty {
            text += "environ() {\n"
            for (name, value) in environment {
                guard !value.containsByte("\n"), !value.containsByte("\r") else {
                    throw PyxisError("--container-env: the value of \(name) contains a newline, which the container's environment file cannot hold")
                }
                // EnvRemap's writer checks the name and keeps quoted values intact.
                let line: String
                do {
                    line = try EnvironmentFile.line(for: Variable(name, value))
                } catch {
                    throw PyxisError("--container-env: \(error.description)")
                }
                text += "    printf '%s\\n' \(ShellQuoting.quote(String(line.dropLast())))\n"
            }
            text += "}\n"
        }
        if !runEntrypoint {
            text += "hooks() {\n"
            text += "    printf '%s\\n' 'exec \"$@\"' > \"${ENROOT_ROOTFS}/etc/rc.local\"\n"
            text += "}\n"
        }
        return text
    }
}
