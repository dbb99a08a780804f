import PyxisCore
import PyxisSystem

/// A failure of the container lifecycle: one `pyxis: ...` line, and for a failed enroot or
/// importer command the log it printed, shown to the user line by line.
public struct LifecycleError: Error, Equatable {
    public var message: String
    public var log: [String] = []
    /// `.verbose` for a failure another task has already explained to the user.
    public var level: LogLevel = .error
    /// A line shown after the log: what the user may try.
    public var hint: String?

    public init(_ message: String, log: [String] = [], level: LogLevel = .error) {
        self.message = message
        self.log = log
        self.level = level
    }

    init(_ error: PyxisError) { self.init(error.message) }

    /// pyxis's words for what failed, then how the command ended, and its log.
    init(_ what: String, _ failure: CommandFailure) {
        self.init("\(what) (\(failure.ending))", log: failure.log)
    }

    public func report(to host: StepHost) {
        for line in lines { host.log(line.level, line.text) }
    }

    /// What `report` logs: the message, enroot's log under pyxis's header, the hint.
    public var lines: [(level: LogLevel, text: String)] {
        var lines = [(level, message)]
        if !log.isEmpty {
            lines.append((.error, "printing enroot log file:"))
            lines += log.map { (.error, "    " + $0) }
        }
        if let hint { lines.append((level, hint)) }
        return lines
    }
}
