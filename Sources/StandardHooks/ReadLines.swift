/// Lines as enroot's hook scripts get them from bash and coreutils, on bytes. Swift's String
/// would take `\r\n` for one line break and repair bytes that are not UTF-8; bash keeps both.
public enum ReadLines {
    /// The lines `tac FILE | grep ^PREFIX | while read -r line` gives: the file's records in
    /// reverse, those that start with `prefix`. A last record without a newline is printed by tac
    /// first without one, so it is glued to the record before it; grep ends every line it prints.
    /// grep prints no line of a binary file (a NUL byte, or bytes that are not UTF-8 in a UTF-8
    /// locale): only "binary file matches", which `read` never sees.
    public static func tacGrep(_ bytes: [UInt8], prefix: [UInt8], utf8Locale: Bool) -> [[UInt8]] {
        if isBinary(bytes, utf8Locale: utf8Locale) { return [] }
        return tacLines(bytes).filter { $0.starts(with: prefix) }
    }

    /// What grep takes for a binary file.
    public static func isBinary(_ bytes: [UInt8], utf8Locale: Bool) -> Bool {
        bytes.contains(0) || (utf8Locale && !isUTF8(bytes))
    }

    /// grep's "binary file matches", which it prints to stderr instead of the lines.
    public static func binaryMatchMessage(_ bytes: [UInt8], prefix: [UInt8], utf8Locale: Bool) -> String? {
        guard isBinary(bytes, utf8Locale: utf8Locale), tacLines(bytes).contains(where: { $0.starts(with: prefix) }) else { return nil }
        return "grep: (standard input): binary file matches"
    }

    /// The lines tac prints, NUL bytes and all.
    static func tacLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var records = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) }
        let unterminated = records.removeLast()   // empty when the file ends with a newline
        var lines = Array(records.reversed())
        if !unterminated.isEmpty {
            if lines.isEmpty { lines = [unterminated] } else { lines[0] = unterminated + lines[0] }
        }
        return lines
    }

    /// Whether bytes are valid UTF-8 (what glibc's grep asks in a UTF-8 locale).
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator(), decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether the locale that LC_ALL, LC_CTYPE or LANG names (the first one set) is UTF-8.
    public static func isUTF8Locale(_ variable: (String) -> String?) -> Bool {
        let name = ["LC_ALL", "LC_CTYPE", "LANG"].compactMap { variable($0) }.first { !$0.isEmpty } ?? ""
        let locale = name.lowercased().split(separator: "@").first ?? ""   // en_US.UTF-8@euro
        return locale.hasSuffix(".utf-8") || locale.hasSuffix(".utf8")
    }

    /// `IFS=D read -r key value` for a non-blank delimiter D: `key` is what precedes the first D
    /// and `value` the rest, less one trailing D when no other D is left in it (bash drops a
    /// final delimiter that ends the last field: `A=b=` gives `b`, `A=b==` gives `b==`).
    public static func splitOnce(_ line: [UInt8], at delimiter: UInt8) -> (key: [UInt8], value: [UInt8]) {
        guard let index = line.firstIndex(of: delimiter) else { return (line, []) }
        var value = Array(line[(index + 1)...])
        if value.last == delimiter, !value.dropLast().contains(delimiter) { value.removeLast() }
        return (Array(line[..<index]), value)
    }
}
