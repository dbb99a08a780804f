import Glibc
import PyxisCore
import PyxisSystem

/// A failure of the container lifecycle: one `pyxis: ...` line, and for a failed enroot or
/// importer command the log it printed, shown to the user line by line.
struct LifecycleError: Error {
    var message: String
    var log: [String] = []
    /// `.verbose` for a failure another task has already explained to the user.
    var level: LogLevel = .error
    /// A line shown after the log: what the user may try.
    var hint: String?

    init(_ message: String, log: [String] = [], level: LogLevel = .error) {
        self.message = message
        self.log = log
        self.level = level
    }

    init(_ error: PyxisError) { self.init(error.message) }

    init(_ what: String, _ error: SystemError) { self.init("\(what): \(error.description)") }

    func report(to host: SlurmHost) {
        host.log(level, message)
        if !log.isEmpty {
            host.log(.error, "printing enroot log file:")
            for line in log {
                host.log(.error, "    " + line)
            }
        }
        if let hint { host.log(level, hint) }
    }
}

/// Milliseconds on the monotonic clock, for the `-v` timing lines.
enum Clock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1_000_000
    }

    static func format(_ milliseconds: Double) -> String {
        let tenths = Int((milliseconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension SlurmHost {
    /// `pyxis: timing: PHASE MS ms` for `-v` (what bench/lifecycle.sh reads).
    func timing(_ phase: String, since start: Double) {
        log(.verbose, "timing: \(phase) \(Clock.format(Clock.now() - start)) ms")
    }
}
