/// The one error type of the plugin's pure logic.
///
/// `message` is the text after `pyxis: `; it names the bad value and what is allowed, so the
/// glue layer can print it as is (`slurm_error("pyxis: %s", message)`).
public struct PyxisError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "pyxis: \(message)" }
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

extension String {
    /// True when the string holds a control character (newline, tab, NUL, ...): such a value
    /// could add a line to an enroot config, environment or mount file.
    var hasControlCharacter: Bool {
        utf8.contains { $0 < 0x20 || $0 == 0x7f }
    }
}
