/// sbatch hands its SPANK options (`#SBATCH --container-image=...`) to the batch job as
/// `SLURM_SPANK_*` variables of the job's environment. Releases before 23.11 leave them out when
/// `--export` is `NONE` or `NIL`, and before 24.05 when it lists variables without `ALL`, so
/// slurmstepd sees no option and runs the script on the host, outside the container the user
/// asked for. sbatch refuses such a job instead (docs/design.md, "Slurm releases").
public enum BatchExport {
    /// A Slurm release's major.minor (`22.05.8` → 22, 5).
    public struct Release: Comparable, Sendable {
        public var major: Int, minor: Int

        public init(major: Int, minor: Int) {
            self.major = major
            self.minor = minor
        }

        /// `22.05.8`, `23.11.4-1`, `26.05` → the major and minor numbers.
        public init?(_ text: String) {
            let parts = text.split(separator: ".")
            guard parts.count >= 2, let major = Int(parts[0]),
                  let minor = Int(parts[1].prefix(while: \.isNumber)) else { return nil }
            self.init(major: major, minor: minor)
        }

        public static func < (a: Release, b: Release) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
        var text: String { "\(major).\(minor < 10 ? "0" : "")\(minor)" }
    }

    static let keepsNone = Release(major: 23, minor: 11)
    static let keepsLists = Release(major: 24, minor: 5)

    /// Why a batch job submitted with `--export=export` (`SLURM_EXPORT_ENV`) on `release` would
    /// lose the container options, or nil when they reach it.
    public static func problem(export: String?, release: Release) -> String? {
        guard let export, !export.isEmpty else { return nil }
        let first = export.split(separator: ",", omittingEmptySubsequences: false).first.map { $0.uppercased() } ?? ""
        if first == "ALL" { return nil }
        let fixedIn = (first == "NONE" || first == "NIL") ? keepsNone : keepsLists
        guard release < fixedIn else { return nil }
        return "sbatch --export=\(verbatim(export)): Slurm \(release.text) does not pass the container options to a batch job that does not export the whole environment (fixed in \(fixedIn.text)), so its script would run outside the container; submit with --export=ALL\(first == "NONE" || first == "NIL" ? "" : ",\(verbatim(export))") instead"
    }
}
