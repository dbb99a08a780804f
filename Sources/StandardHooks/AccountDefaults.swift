import EnvRemap

/// The `def_*` variables enroot's `10-shadow.sh` declares from the image's `/etc/login.defs` and
/// `/etc/default/useradd`:
///
///     declare $(awk '(NF && $1 !~ "^#"){ print "def_"$1"="$2 }' login.defs)   # UMASK 022 → def_UMASK=022
///     declare $(awk '(NF && $1 !~ "^#"){ print "def_"$1 }' useradd)           # SHELL=/bin/sh → def_SHELL=/bin/sh
///
/// A later line wins; a useradd word without `=` (`SHELL = /bin/sh` gives `def_SHELL`) declares
/// without changing a value. A word whose name is not a shell identifier (`FOO-BAR 1`) makes
/// `declare` fail, and the script with it (`set -e`): that is `invalidName`.
public struct AccountDefaults: Equatable, Sendable {
    public private(set) var values: [String: String] = [:]

    public init() {}

    public init(loginDefs: String?, useradd: String?) throws(AccountDefaultsError) {
        for fields in Self.awkRecords(loginDefs) {
            try declare("def_\(fields[0])=\(fields.count > 1 ? fields[1] : "")")
        }
        for fields in Self.awkRecords(useradd) {
            try declare("def_\(fields[0])")
        }
    }

    public subscript(name: String) -> String? { values[name] }

    /// `${def_NAME:-fallback}`
    public func value(_ name: String, or fallback: String) -> String {
        guard let value = values[name], !value.isEmpty else { return fallback }
        return value
    }

    private mutating func declare(_ word: String) throws(AccountDefaultsError) {
        let name: Substring, value: Substring?
        if let equals = word.firstIndex(of: "=") {
            name = word[..<equals]
            value = word[word.index(after: equals)...]
        } else {
            name = word[...]
            value = nil
        }
        guard isValidName(name.utf8) else { throw AccountDefaultsError(word: word) }
        if let value { values[String(name.dropFirst("def_".count))] = String(value) }
    }

    /// awk's records with a first field not starting with `#`, split on blanks.
    private static func awkRecords(_ text: String?) -> [[Substring]] {
        guard let text else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = String(line).blankSeparatedFields
            guard let first = fields.first, !first.hasPrefix("#") else { return nil }
            return fields
        }
    }
}

public struct AccountDefaultsError: Error, Equatable, CustomStringConvertible {
    public var word: String
    public var description: String { "declare: `\(word)': not a valid identifier (from /etc/login.defs or /etc/default/useradd)" }
}

/// A numeric setting of `/etc/login.defs` as shadow-utils' `getdef_num` reads it (pwck uses
/// `PASS_MIN_DAYS`, `PASS_MAX_DAYS`, `PASS_WARN_AGE` for the shadow entries it adds): the last
/// line naming it, its value unquoted, parsed as a C integer (`0x1f`, `017`, `99999`); -1 when
/// absent or unparsable or outside -1...Int32.max.
public enum LoginDefs {
    public static func number(_ name: String, in text: String?) -> Int {
        guard let text else { return -1 }
        var found: Substring?
        for line in text.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard !trimmed.hasPrefix("#") else { continue }
            let key = trimmed.prefix(while: { $0 != " " && $0 != "\t" })
            guard key == name else { continue }
            var value = trimmed.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
            while let last = value.last, last == " " || last == "\t" || last == "\r" { value = value.dropLast() }
            if value.hasPrefix("\"") {
                value = value.dropFirst()
                value = value.prefix(while: { $0 != "\"" })
            }
            found = value
        }
        guard let found, let number = CNumber.parse(found), number >= -1, number <= Int(Int32.max) else { return -1 }
        return number
    }
}

/// `strtol(text, &end, 0)` that must consume everything: optional blanks and sign, then `0x` hex,
/// `0` octal or decimal digits.
enum CNumber {
    static func parse(_ text: Substring) -> Int? {
        var (negative, rest) = signAndDigits(text)
        var radix = 10
        if rest.hasPrefix("0x") || rest.hasPrefix("0X"), rest.count > 2 {
            radix = 16
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("0"), rest.count > 1 {
            radix = 8
            rest = rest.dropFirst()
        }
        guard let digit = rest.first, digit.isHexDigit, let magnitude = Int(rest, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// `strtol(text, &end, 10)` that must consume everything.
    static func parseDecimal(_ text: Substring) -> Int? {
        let (negative, rest) = signAndDigits(text)
        guard !rest.isEmpty, rest.allSatisfy({ $0 >= "0" && $0 <= "9" }), let magnitude = Int(rest) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// What the strto* functions skip before the digits: blanks, then one optional sign.
    static func signAndDigits(_ text: Substring) -> (negative: Bool, digits: Substring) {
        let rest = text.drop(while: { $0 == " " || $0 == "\t" })
        guard let sign = rest.first, sign == "+" || sign == "-" else { return (false, rest) }
        return (sign == "-", rest.dropFirst())
    }
}
