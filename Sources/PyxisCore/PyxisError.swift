/// The one error type of the plugin's pure logic.
///
/// `message` is the text after `pyxis: `; it names the bad value and what is allowed, so the
/// glue layer can print it as is (`slurm_error("pyxis: %s", message)`).
///
/// Where pyxis 0.24 reports the same situation, the message starts with pyxis's own words
/// (`--container-image: argument required`, `container_scope: invalid value: node`) and our
/// detail follows them: users, job scripts and log monitors grep for pyxis's lines.
public struct PyxisError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    /// The message is a whole line as pyxis words it (`mount source must be ...`), which does
    /// not start with the option's name: `naming(_:)` leaves it as it is.
    let standsAlone: Bool

    public init(_ message: String) {
        self.init(message, standsAlone: false)
    }

    init(_ message: String, standsAlone: Bool) {
        self.message = message
        self.standsAlone = standsAlone
    }

    public var description: String { "pyxis: \(message)" }

    public static func == (lhs: PyxisError, rhs: PyxisError) -> Bool {
        lhs.message == rhs.message
    }

    /// This error, found in the value of `option` (a parser's message gets `--container-x: `
    /// in front), and, when the value came from a `PYXIS_*` variable, the variable named after it.
    func naming(_ option: OptionID, variable: String? = nil) -> PyxisError {
        var text = standsAlone ? message : "\(option.flag): \(message)"
        if let variable {
            text += " (set by \(variable))"
        }
        return PyxisError(text, standsAlone: true)
    }
}

/// Quotes a user-supplied value for an error message, making control characters visible so
/// a message can never span several lines.
func quoted(_ value: String) -> String {
    var out = "'"
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\\": out += "\\\\"
        case "'": out += "\\'"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7f {
                out += "\\x" + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "'"
}

/// A value where pyxis prints it bare (`invalid format: %s`, `invalid value: %s`): as it is, so
/// the line is the one pyxis prints, unless it holds a control character, which `quoted` shows.
func verbatim(_ value: String) -> String {
    value.hasControlCharacter ? quoted(value) : value
}

extension String {
    /// True when the string holds a control character (newline, tab, NUL, ...): such a value
    /// could add a line to an enroot config, environment or mount file.
    var hasControlCharacter: Bool {
        utf8.contains { $0 < 0x20 || $0 == 0x7f }
    }
}
