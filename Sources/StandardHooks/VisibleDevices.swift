/// Whether enroot's `98-nvidia.sh` or `99-mellanox.sh` has anything to do. Both first export every
/// `NVIDIA_*` (`MELLANOX_*`) line of `ENROOT_ENVIRON` that the hook's own environment does not
/// set (`tac | grep ^PREFIX | ... [ -v KEY ] || export`: the *last* line of a name wins), then
/// leave when `*_VISIBLE_DEVICES` asks for nothing.
///
///     NVIDIA_VISIBLE_DEVICES unset, "" or "void"            → nothing to do
///     MELLANOX_VISIBLE_DEVICES unset, "", "void" or "none"  → nothing to do
///     anything else ("all", "0,1", "none" for NVIDIA)      → enroot's script must run
public enum VisibleDevices: Sendable {
    case nvidia
    case mellanox

    public var variable: String { self == .nvidia ? "NVIDIA_VISIBLE_DEVICES" : "MELLANOX_VISIBLE_DEVICES" }

    /// The commands the script checks for (`common::checkcmd`) before deciding anything.
    public var requiredCommands: [String] { self == .nvidia ? ["grep", "ldconfig"] : ["grep", "awk", "ldd", "ldconfig"] }

    /// The directories the script appends to `PATH` before looking commands up.
    public func pathSuffix(rootfs: String) -> [String] {
        self == .nvidia ? ["/usr/sbin", "/sbin", rootfs + "/usr/bin", rootfs + "/usr/local/bin"] : ["/usr/sbin", "/sbin"]
    }

    /// The value the script ends up with: the hook's environment first, else what
    /// `tac ENVIRON | grep "^PREFIX" | while IFS='=' read -r key value` exports, read from the
    /// file's bytes as those tools read them (`ReadLines`): a CR stays in the line it ends, a
    /// last line without a newline is glued to the line before it, and the first line `read`
    /// gives for the name (the file's last) wins.
    public func value(processValue: String?, environ: [UInt8], utf8Locale: Bool = false) -> String? {
        if let processValue { return processValue }
        let name = Array(variable.utf8)
        for line in ReadLines.tacGrep(environ, prefix: prefix, utf8Locale: utf8Locale) {
            let (key, value) = ReadLines.splitOnce(line, at: UInt8(ascii: "="))
            if key.elementsEqual(name) { return String(decoding: value, as: UTF8.self) }
        }
        return nil
    }

    /// The lines of the environ file the script's grep selects.
    public var prefix: [UInt8] { Array((self == .nvidia ? "NVIDIA_" : "MELLANOX_").utf8) }

    public func hasWork(_ value: String?) -> Bool {
        guard let value, !value.isEmpty, value != "void" else { return false }
        return self == .nvidia || value != "none"
    }
}
