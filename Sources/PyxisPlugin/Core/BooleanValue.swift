/// Parses the boolean words accepted in `PYXIS_*` variables and plugstack arguments.
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
