import EnvRemap

/// One `--container-mounts` entry: `SRC:DST[:FLAGS]`, or `SRC` alone for `SRC:SRC`.
///
/// Accepted: `/data`, `/data:/mnt`, `./work:/work:ro+nosuid`, `tmpfs:/scratch`,
/// `umount:/proc/driver`, `/my dir:/in container` (spaces are escaped in the fstab line).
/// Rejected: `""`, `data:/mnt` (source neither a path nor tmpfs/umount), `/a:mnt` (target not
/// a path), `:/b` and `/a:` (empty source or target), `/a:/b:` (empty flags),
/// `/a:/b:ro++nosuid` (empty flag), `/a:/b:ro:x` (too many fields), `tmpfs` alone (no
/// target), paths with control characters.
public struct MountSpec: Equatable, Hashable, Sendable {
    public enum Source: Equatable, Hashable, Sendable {
        case path(String)
        case tmpfs
        case umount
    }

    public let source: Source
    public let destination: String
    /// Flags the user gave, in order (`ro+nosuid` → `["ro", "nosuid"]`).
    public let userFlags: [String]

    public init(source: Source, destination: String, userFlags: [String] = []) {
        self.source = source
        self.destination = destination
        self.userFlags = userFlags
    }

    /// Defaults first, then the user's flags, as enroot expects them after the type field.
    public var options: [String] {
        let defaults: [String] = switch source {
        case .path: ["x-create=auto", "rbind"]
        case .tmpfs: ["x-create=dir"]
        case .umount: ["x-detach"]
        }
        return defaults + userFlags
    }

    /// The line enroot reads from a `mounts()` config function or an fstab file.
    public var fstabLine: String {
        let (source, type): (String, String) = switch self.source {
        case .path(let path): (path, "none")
        case .tmpfs: ("tmpfs", "tmpfs")
        case .umount: ("none", "none")
        }
        return [Fstab.escape(source), Fstab.escape(destination), type, options.joined(separator: ",")]
            .joined(separator: " ")
    }

    /// Parses the whole comma-separated option value; identical entries are kept once.
    public static func parseList(_ value: String) throws(PyxisError) -> [MountSpec] {
        guard !value.isEmpty else {
            throw PyxisError("argument required (expected SRC:DST[:FLAGS][,SRC:DST...])")
        }
        var result: [MountSpec] = []
        var seen: Set<MountSpec> = []
        for entry in value.splitBytes(",", omittingEmpty: false) {
            let mount = try parse(String(entry), in: value)
            if seen.insert(mount).inserted {
                result.append(mount)
            }
        }
        return result
    }

    /// One entry. Malformed entries get pyxis's `invalid format: ENTRY`; a source or target of
    /// the wrong kind gets pyxis's own line (`mount source must be ...`), which stands alone.
    static func parse(_ entry: String, in whole: String) throws(PyxisError) -> MountSpec {
        func invalidFormat(_ detail: String) -> PyxisError {
            PyxisError("invalid format: \(verbatim(entry)) (\(detail))")
        }
        guard !entry.isEmpty else {
            throw PyxisError("invalid format: an empty entry in \(quoted(whole)) (expected SRC:DST[:FLAGS] between commas)")
        }
        guard !entry.hasControlCharacter else {
            throw invalidFormat("a control character; expected SRC:DST[:FLAGS]")
        }
        let fields = entry.splitBytes(":", omittingEmpty: false)
        guard fields.count <= 3 else {
            throw invalidFormat("\(fields.count) ':'-separated fields; expected SRC:DST[:FLAGS]")
        }
        guard !fields[0].isEmpty else {
            throw invalidFormat("an empty source; expected SRC:DST[:FLAGS]")
        }
        if fields.count >= 2, fields[1].isEmpty {
            throw invalidFormat("an empty target; expected SRC:DST[:FLAGS]")
        }
        let sourceText = fields[0]
        let source: Source
        switch sourceText {
        case "tmpfs": source = .tmpfs
        case "umount": source = .umount
        default:
            guard isPath(sourceText) else {
                throw PyxisError("mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\": --container-mounts entry \(quoted(entry)) has source \(quoted(sourceText)) (a path starts with / or .)", standsAlone: true)
            }
            source = .path(sourceText)
        }
        let destination: String
        if fields.count >= 2 {
            destination = fields[1]
        } else if case .path = source {
            destination = sourceText
        } else {
            throw PyxisError("mount target must be a relative path or an absolute path: --container-mounts entry \(quoted(entry)) has none (expected \(sourceText):DST)", standsAlone: true)
        }
        guard isPath(destination) else {
            throw PyxisError("mount target must be a relative path or an absolute path: --container-mounts entry \(quoted(entry)) has target \(quoted(destination)) (a path starts with / or .)", standsAlone: true)
        }
        var flags: [String] = []
        if fields.count == 3 {
            guard !fields[2].isEmpty else {
                throw invalidFormat("':' but no flags after it; expected e.g. SRC:DST:ro+nosuid")
            }
            for flag in fields[2].splitBytes("+", omittingEmpty: false) {
                guard !flag.isEmpty, !flag.containsByte(" ") else {
                    throw invalidFormat("an empty or blank flag in \(quoted(fields[2])); separate flags with a single '+', e.g. ro+nosuid")
                }
                flags.append(String(flag))
            }
        }
        return MountSpec(source: source, destination: destination, userFlags: flags)
    }

    static func isPath(_ text: String) -> Bool {
        text.hasPrefix("/") || text.hasPrefix(".")
    }
}
