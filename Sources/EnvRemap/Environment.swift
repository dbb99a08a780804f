// Environments as the hooks and the plugin see them, and the enroot environment-file format.
// Standard library only: the plugin calls this per task inside slurmstepd.

/// One variable to add to an environment.
public struct Variable: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

/// A read-only name → value view of an environment in which the *first* occurrence of a name
/// wins, like enroot's environment file (the image's `/etc/environment` comes first and a later
/// hook cannot silently replace it).
public struct Environment: Sendable, Equatable {
    /// Variables in first-seen order, one per name.
    public private(set) var variables: [Variable] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Keeps the first value of each name; later duplicates are ignored.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, String) {
        for (name, value) in pairs { add(name, value) }
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    public subscript(name: String) -> String? {
        guard let position = index[name] else { return nil }
        return variables[position].value
    }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    public var count: Int { variables.count }

    /// Adds `name` unless it is already present; returns whether it was added.
    @discardableResult
    public mutating func add(_ name: String, _ value: String) -> Bool {
        guard index[name] == nil else { return false }
        index[name] = variables.count
        variables.append(Variable(name, value))
        return true
    }

    /// Variables whose name starts with `prefix`, in first-seen order.
    public func withPrefix(_ prefix: String) -> [Variable] {
        variables.filter { $0.name.hasPrefix(prefix) }
    }
}

/// The file named by `ENROOT_ENVIRON`: `NAME=value` lines that become the container's environment.
///
/// Reading follows enroot (docs/design.md, "The enroot contract"): leading blanks are stripped; blank lines and `#` comments are
/// dropped; lines that are not `NAME=value` with a valid name are dropped; names starting with
/// `ENROOT_` are dropped; one level of matching surrounding quotes is removed from the value;
/// the first line for a name wins.
///
///     PATH=/usr/bin          → PATH = /usr/bin
///       A="x y"              → A = x y
///     B='"q"'                → B = "q"
///     # comment, 1BAD=x, ENROOT_X=1, no-equals   → dropped
public enum EnvironmentFile {
    public static func parse(_ bytes: some Collection<UInt8>) -> Environment { parse(Array(bytes)) }

    /// The concrete form the hooks call: the generic one, unspecialized across modules, cost a
    /// hook about a quarter of its own CPU time walking the file byte by byte through witnesses.
    public static func parse(_ bytes: [UInt8]) -> Environment {
        var environment = Environment()
        var line: [UInt8] = []
        line.reserveCapacity(256)
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                addLine(line, to: &environment)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        addLine(line, to: &environment)
        return environment
    }

    public static func parse(_ text: String) -> Environment { parse(Array(text.utf8)) }

    private static func addLine(_ line: [UInt8], to environment: inout Environment) {
        var start = 0
        while start < line.count, line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t") {
            start += 1
        }
        guard start < line.count, line[start] != UInt8(ascii: "#") else { return }
        guard let equals = line[start...].firstIndex(of: UInt8(ascii: "=")) else { return }
        let name = line[start..<equals]
        guard isValidName(name), !name.starts(with: enrootPrefix) else { return }
        var value = line[(equals + 1)...]
        if value.count >= 2, let first = value.first, first == value.last,
           first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            value = value.dropFirst().dropLast()
        }
        environment.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private static let enrootPrefix = Array("ENROOT_".utf8)

    /// The text of one line for `variable`, newline included. Values that enroot would alter when
    /// reading (surrounding quotes) are wrapped in one more level of double quotes so that they
    /// arrive unchanged.
    public static func line(for variable: Variable) throws(LineError) -> String {
        guard isValidName(variable.name.utf8) else { throw .invalidName(variable.name) }
        guard !variable.value.utf8.contains(UInt8(ascii: "\n")) else {
            throw .newlineInValue(name: variable.name)
        }
        guard !variable.value.utf8.contains(0) else { throw .nulInValue(name: variable.name) }
        let bytes = variable.value.utf8
        if bytes.count >= 2, let first = bytes.first, first == bytes.last,
           first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            return "\(variable.name)=\"\(variable.value)\"\n"
        }
        return "\(variable.name)=\(variable.value)\n"
    }
}

/// Why a line could not be written.
public enum LineError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case newlineInValue(name: String)
    case nulInValue(name: String)
    case newlineInPath(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            return "\"\(name)\" is not a valid variable name (letters, digits and _, not starting with a digit)"
        case .newlineInValue(let name):
            return "the value of \(name) contains a newline; refusing to write it to the environment file"
        case .nulInValue(let name):
            return "the value of \(name) contains a NUL byte; refusing to write it to the environment file"
        case .newlineInPath(let path):
            return "path \(path.debugDescription) contains a newline; refusing to write it to the mounts file"
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`
public func isValidName(_ name: some Collection<UInt8>) -> Bool {
    guard let first = name.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
        return false
    }
    for byte in name {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            continue
        default:
            return false
        }
    }
    return true
}

public func isValidName(_ name: String) -> Bool { isValidName(name.utf8) }

/// One line of the file named by `ENROOT_MOUNTS`: `SRC DST TYPE OPTIONS` in fstab syntax.
public struct MountLine: Sendable, Equatable {
    public var source: String
    public var target: String
    public var type: String
    public var options: String

    public init(source: String, target: String, type: String = "none", options: String) {
        self.source = source
        self.target = target
        self.type = type
        self.options = options
    }

    /// The fstab line, newline included. Paths with a newline are refused rather than escaped: a
    /// hook must never add a line (docs/design.md, "Hooks"), and such a path is almost surely an
    /// attack or a bug.
    public func line() throws(LineError) -> String {
        for path in [source, target] where path.utf8.contains(UInt8(ascii: "\n")) {
            throw .newlineInPath(path)
        }
        return "\(Fstab.escape(source)) \(Fstab.escape(target)) \(type) \(options)\n"
    }
}

public enum Fstab {
    /// fstab escaping as getmntent(3) reads it: space `\040`, tab `\011`, newline `\012`,
    /// backslash `\134`.
    public static func escape(_ field: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(field.utf8.count)
        for byte in field.utf8 {
            switch byte {
            case UInt8(ascii: " "): out += Array("\\040".utf8)
            case UInt8(ascii: "\t"): out += Array("\\011".utf8)
            case UInt8(ascii: "\n"): out += Array("\\012".utf8)
            case UInt8(ascii: "\\"): out += Array("\\134".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
