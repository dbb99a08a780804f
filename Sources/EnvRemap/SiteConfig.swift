/// The site's hooks configuration (`/etc/pyxis/hooks.conf`, or `PYXIS_HOOKS_CONFIG`).
///
/// Line-oriented `key = value` in sections; blank lines and lines starting with `#` or `;` are
/// ignored; a value may be wrapped in double quotes to keep leading or trailing blanks.
///
///     [pytorch]
///     enabled = yes                 # the whole PyTorch rule set (yes/no)
///     when = PYTORCH_VERSION        # gate: variable the image must define
///     master_port_base = 61000
///     master_port_range = 4536      # MASTER_PORT = base + SLURM_JOB_ID % range
///     master_addr_suffix = -ib      # or: master_addr_template = {short}.ib.example.com
///     disable = OMP_NUM_THREADS, GROUP_RANK
///
///     [pmi]
///     enabled = yes
///     mount_server_tmpdir = yes
///
///     [home]
///     enabled = yes
///
///     [rules]                       # always applied
///     set NCCL_SOCKET_IFNAME = ib0
///     copy SLURM_JOB_ID -> JOB_ID
///
///     [rules when TF_VERSION]       # only when TF_VERSION is set
///     set TF_NUM_INTEROP_THREADS = ${SLURM_CPUS_PER_TASK}
///
/// (Comments after a value are not allowed: `#` is kept as part of the value; they are shown
/// above only for brevity.)
public struct SiteConfig: Sendable, Equatable {
    public var pytorch = PyTorchSettings()
    public var pmi = PMISettings()
    public var home = HomeSettings()
    public var rules: [SiteRuleSet] = []

    public init() {}

    public static let defaultPath = "/etc/pyxis/hooks.conf"
    public static let pathVariable = "PYXIS_HOOKS_CONFIG"

    /// Parses `text`; `file` names the file in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> SiteConfig {
        var parser = SiteConfigParser(file: file)
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            try parser.consume(line, number: lineNumber)
        }
        try parser.finish()
        return parser.config
    }
}

/// A malformed configuration: `FILE:LINE: message`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Site rules of one `[rules]` section.
public struct SiteRuleSet: Sendable, Equatable {
    /// Applied only when this variable is set (in the container or the hook's environment).
    public var when: String?
    public var rules: [SiteRule]

    public init(when: String? = nil, rules: [SiteRule] = []) {
        self.when = when
        self.rules = rules
    }
}

/// `set NAME = template`; `copy A -> B` is `set B = ${A}`.
public struct SiteRule: Sendable, Equatable {
    public var name: String
    public var template: Template

    public init(name: String, template: Template) {
        self.name = name
        self.template = template
    }
}

/// Text with `${NAME}` references. `$` not followed by `{` is literal.
public struct Template: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text(String)
        case reference(String)
    }

    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    public init(parsing text: String) throws(TemplateError) {
        parts = []
        var literal = ""
        var rest = text[...]
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[rest.startIndex..<dollar]
            let afterDollar = rest.index(after: dollar)
            guard afterDollar < rest.endIndex, rest[afterDollar] == "{" else {
                literal += "$"
                rest = rest[afterDollar...]
                continue
            }
            guard let close = rest[afterDollar...].firstIndex(of: "}") else {
                throw .unterminated
            }
            let name = String(rest[rest.index(after: afterDollar)..<close])
            guard isValidName(name) else { throw .invalidName(name) }
            if !literal.isEmpty { parts.append(.text(literal)) }
            literal = ""
            parts.append(.reference(name))
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.text(literal)) }
    }

    /// The expanded text, or nil when a referenced variable is unset.
    public func expand(_ lookup: (String) -> String?) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .reference(let name):
                guard let value = lookup(name) else { return nil }
                out += value
            }
        }
        return out
    }
}

public enum TemplateError: Error, Equatable, CustomStringConvertible {
    case unterminated
    case invalidName(String)

    public var description: String {
        switch self {
        case .unterminated: return "unterminated ${ in value"
        case .invalidName(let name): return "\"\(name)\" in ${...} is not a valid variable name"
        }
    }
}

public enum SiteRules {
    /// Variables added by the site rules, in file order. A rule is skipped when its variable is
    /// already set in the container or by an earlier rule, or when a variable it references is
    /// unset. References see earlier additions first, then the container, then `process`.
    public static func additions(
        _ sets: [SiteRuleSet],
        process: Environment,
        container: Environment,
        added: [Variable] = []
    ) -> [Variable] {
        var known = Environment(added.map { ($0.name, $0.value) })
        var out: [Variable] = []
        func lookup(_ name: String) -> String? { known[name] ?? container[name] ?? process[name] }
        for set in sets {
            if let gate = set.when, lookup(gate) == nil { continue }
            for rule in set.rules where !container.contains(rule.name) && !known.contains(rule.name) {
                guard let value = rule.template.expand(lookup) else { continue }
                known.add(rule.name, value)
                out.append(Variable(rule.name, value))
            }
        }
        return out
    }
}

struct SiteConfigParser {
    enum Section: Equatable { case none, pytorch, pmi, home, rules }

    let file: String
    var config = SiteConfig()
    var section = Section.none
    var seenKeys: Set<String> = []
    var portLine: Int?

    init(file: String) { self.file = file }

    mutating func consume(_ rawLine: Substring, number: Int) throws(ConfigError) {
        let file = self.file
        let fail = { (message: String) in ConfigError(file: file, line: number, message: message) }
        let line = trimmed(rawLine)
        guard let first = line.first, first != "#", first != ";" else { return }
        if first == "[" {
            try startSection(line, fail)
        } else if section == .rules {
            let rule: SiteRule
            do { rule = try parseRule(line) } catch { throw fail(error.message) }
            if config.rules.isEmpty { config.rules.append(SiteRuleSet()) }
            config.rules[config.rules.count - 1].rules.append(rule)
        } else {
            try setKey(line, number: number, fail)
        }
    }

    /// `[pytorch]`, `[pmi]`, `[home]`, `[rules]` or `[rules when NAME]`.
    private mutating func startSection(_ line: Substring, _ fail: (String) -> ConfigError) throws(ConfigError) {
        guard line.last == "]" else { throw fail("section header \(String(line).debugDescription) lacks a closing ]") }
        let words = line.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" })
        switch words.map(String.init) {
        case ["pytorch"]: section = .pytorch
        case ["pmi"]: section = .pmi
        case ["home"]: section = .home
        case ["rules"]:
            section = .rules
            config.rules.append(SiteRuleSet())
        case let w where w.count == 3 && w[0] == "rules" && w[1] == "when":
            guard isValidName(w[2]) else { throw fail("\"\(w[2])\" is not a valid variable name") }
            section = .rules
            config.rules.append(SiteRuleSet(when: w[2]))
        default:
            throw fail("unknown section \(String(line)); expected [pytorch], [pmi], [home], [rules] or [rules when NAME]")
        }
    }

    /// `key = value` in [pytorch], [pmi] or [home]; each key once.
    private mutating func setKey(_ line: Substring, number: Int, _ fail: (String) -> ConfigError) throws(ConfigError) {
        guard let equals = line.firstIndex(of: "=") else {
            throw fail("expected key = value, got \(String(line).debugDescription)")
        }
        let key = String(trimmed(line[line.startIndex..<equals]))
        let value = unquoted(trimmed(line[line.index(after: equals)...]))
        let sectionName: String
        switch section {
        case .none: throw fail("\(key) is outside a section; start with [pytorch], [pmi], [home] or [rules]")
        case .pytorch: sectionName = "pytorch"
        case .pmi: sectionName = "pmi"
        case .home: sectionName = "home"
        case .rules: return
        }
        guard seenKeys.insert("\(sectionName).\(key)").inserted else {
            throw fail("\(key) is set twice in [\(sectionName)]")
        }
        switch (section, key) {
        case (.pytorch, "enabled"): config.pytorch.enabled = try bool(key, value, fail)
        case (.pmi, "enabled"): config.pmi.enabled = try bool(key, value, fail)
        case (.home, "enabled"): config.home.enabled = try bool(key, value, fail)
        case (.pmi, "mount_server_tmpdir"): config.pmi.mountServerTmpdir = try bool(key, value, fail)
        case (.pytorch, _): try setPyTorchKey(key, value, fail)
        default: throw fail("unknown key \(key.debugDescription) in [\(sectionName)]")
        }
        if key == "master_port_base" || key == "master_port_range" { portLine = number }
    }

    /// The [pytorch] keys besides `enabled`.
    private mutating func setPyTorchKey(_ key: String, _ value: String, _ fail: (String) -> ConfigError) throws(ConfigError) {
        switch key {
        case "when":
            guard isValidName(value) else { throw fail("when = \(value.debugDescription) is not a variable name") }
            config.pytorch.gate = value
        case "master_port_base":
            guard let port = parseCount(value), port >= 1, port <= 65535 else {
                throw fail("master_port_base = \(value.debugDescription) is not a port (1-65535)")
            }
            config.pytorch.masterPortBase = port
        case "master_port_range":
            guard let range = parseCount(value), range >= 1, range <= 65535 else {
                throw fail("master_port_range = \(value.debugDescription) is not a count of ports (1-65535)")
            }
            config.pytorch.masterPortRange = range
        case "master_addr_suffix", "master_addr_template":
            guard config.pytorch.masterAddr == .none else {
                throw fail("master_addr_suffix and master_addr_template exclude each other")
            }
            guard !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw fail("\(key) = \(value.debugDescription) must be non-empty text without blanks")
            }
            if key == "master_addr_suffix" {
                config.pytorch.masterAddr = .suffix(value)
            } else {
                guard value.containsSubstring("{host}") || value.containsSubstring("{short}") else {
                    throw fail("master_addr_template = \(value.debugDescription) uses neither {host} nor {short}")
                }
                config.pytorch.masterAddr = .template(value)
            }
        case "disable":
            for item in value.split(separator: ",") {
                let name = String(trimmed(item))
                guard let variable = PyTorchVariable(rawValue: name) else {
                    let known = PyTorchVariable.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("disable: unknown rule \(name.debugDescription); known: \(known)")
                }
                config.pytorch.disabled.insert(variable)
            }
        default:
            throw fail("unknown key \(key.debugDescription) in [pytorch]")
        }
    }

    /// Checks that need the whole file: the port range must stay below 65536, reported at the
    /// later of the two port keys (either may come first, and either may be left at default).
    func finish() throws(ConfigError) {
        if let portLine, config.pytorch.masterPortBase + config.pytorch.masterPortRange - 1 > 65535 {
            throw ConfigError(file: file, line: portLine,
                              message: "master_port_base + master_port_range - 1 exceeds 65535")
        }
    }

    private struct RuleError: Error { var message: String }

    private func parseRule(_ line: Substring) throws(RuleError) -> SiteRule {
        if line.hasPrefix("set ") || line.hasPrefix("set\t") {
            let body = line.dropFirst(4)
            guard let equals = body.firstIndex(of: "=") else {
                throw RuleError(message: "expected set NAME = VALUE")
            }
            let name = String(trimmed(body[body.startIndex..<equals]))
            guard isValidName(name) else { throw RuleError(message: "\(name.debugDescription) is not a valid variable name") }
            guard !name.hasPrefix("ENROOT_") else { throw RuleError(message: "enroot ignores ENROOT_ names: \(name)") }
            do {
                return SiteRule(name: name, template: try Template(parsing: unquoted(trimmed(body[body.index(after: equals)...]))))
            } catch {
                throw RuleError(message: error.description)
            }
        }
        if line.hasPrefix("copy ") || line.hasPrefix("copy\t") {
            let words = line.dropFirst(5).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count == 3, words[1] == "->" else { throw RuleError(message: "expected copy SOURCE -> NAME") }
            for name in [words[0], words[2]] where !isValidName(name) {
                throw RuleError(message: "\(name.debugDescription) is not a valid variable name")
            }
            guard !words[2].hasPrefix("ENROOT_") else { throw RuleError(message: "enroot ignores ENROOT_ names: \(words[2])") }
            return SiteRule(name: words[2], template: Template(parts: [.reference(words[0])]))
        }
        throw RuleError(message: "expected a rule (set NAME = VALUE or copy SOURCE -> NAME), got \(String(line).debugDescription)")
    }

    private func bool(_ key: String, _ value: String, _ fail: (String) -> ConfigError) throws(ConfigError) -> Bool {
        guard let parsed = BooleanValue.parse(value) else {
            throw fail("\(key) = \(value.debugDescription) is not a boolean (\(BooleanValue.accepted))")
        }
        return parsed
    }
}

private func trimmed(_ text: Substring) -> Substring {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let start = text.firstIndex(where: { !blank($0) }), let end = text.lastIndex(where: { !blank($0) }) else {
        return text[text.endIndex...]
    }
    return text[start...end]
}

private func unquoted(_ text: Substring) -> String {
    if text.count >= 2, text.first == "\"", text.last == "\"" { return String(text.dropFirst().dropLast()) }
    return String(text)
}
