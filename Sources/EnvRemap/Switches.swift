/// The two yes/no vocabularies of the project, one per purpose.

/// Settings that an administrator or a user writes for us: plugstack arguments, `PYXIS_*`
/// variables, the hooks' site configuration file.
///
/// Accepted: `1`, `true`, `yes`, `y` and `0`, `false`, `no`, `n` (any letter case).
/// Invalid: `""`, `on`, `2`, `maybe`. pyxis silently ignores such values; we reject them so
/// that a typo is noticed.
public enum BooleanValue {
    public static let accepted = "1, true, yes, y, 0, false, no or n"

    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "y": return true
        case "0", "false", "no", "n": return false
        default: return nil
        }
    }
}

/// enroot's switches (`ENROOT_MOUNT_HOME`, `ENROOT_ROOTFS_WRITABLE`, `ENROOT_ALLOW_SUPERUSER`, ...)
/// read the way enroot reads them: unset or empty is off; `n`, `no`, `N`, `NO`, `No`, `f`,
/// `false`, `F`, `False`, `FALSE` are off (enroot unsets them at start); anything else, `0`
/// included, is on. Hooks see a switch after enroot normalised it, the plugin before: both
/// decide as enroot will.
public enum EnrootSwitch {
    public static func isOn(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return !["n", "no", "N", "NO", "No", "f", "false", "F", "False", "FALSE"].contains(value)
    }
}
