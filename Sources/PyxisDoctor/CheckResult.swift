#if canImport(Glibc)
import Glibc
#endif

/// One line of the doctor's report: what was checked, the verdict, what was found and, unless
/// it passed, how to fix it.
public struct CheckResult: Equatable, Sendable {
    /// `failure`: pyxis will not work (or not safely) on this node for this user.
    /// `warning`: it works, but slower or without a feature (e.g. enroot without unshare).
    public enum Verdict: Equatable, Sendable {
        case ok, warning, failure
    }

    public var check: String
    public var verdict: Verdict
    public var finding: String
    public var fix: String?

    public init(_ check: String, _ verdict: Verdict, _ finding: String, fix: String? = nil) {
        self.check = check
        self.verdict = verdict
        self.finding = finding
        self.fix = fix
    }

    public static func ok(_ check: String, _ finding: String) -> CheckResult {
        CheckResult(check, .ok, finding)
    }

    public static func warning(_ check: String, _ finding: String, fix: String) -> CheckResult {
        CheckResult(check, .warning, finding, fix: fix)
    }

    public static func failure(_ check: String, _ finding: String, fix: String) -> CheckResult {
        CheckResult(check, .failure, finding, fix: fix)
    }

    /// `ok   runtime_path: /run/pyxis exists (root, 0755)`, `FAIL enroot: ... fix: ...`.
    public var line: String {
        let label: String
        switch verdict {
        case .ok: label = "ok  "
        case .warning: label = "warn"
        case .failure: label = "FAIL"
        }
        var text = "\(label) \(check): \(finding)"
        if let fix { text += " -- fix: \(fix)" }
        return text
    }
}

extension Array where Element == CheckResult {
    /// The doctor's exit status: 1 when a check failed (or, with `strict`, warned), else 0.
    public func exitStatus(strict: Bool) -> Int32 {
        contains { $0.verdict == .failure || (strict && $0.verdict == .warning) } ? 1 : 0
    }

    /// `9 checks: 7 ok, 1 warning, 1 failed`.
    public var summary: String {
        let warnings = filter { $0.verdict == .warning }.count
        let failures = filter { $0.verdict == .failure }.count
        return "\(count) checks: \(count - warnings - failures) ok, \(warnings) warning\(warnings == 1 ? "" : "s"), \(failures) failed"
    }
}

/// The text of an errno, for findings (`Operation not permitted`).
func describeErrno(_ code: Int32) -> String {
    String(cString: strerror(code))
}
