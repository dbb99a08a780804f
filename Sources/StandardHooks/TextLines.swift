// Line and field splitting the way the shell tools in enroot's hooks split them.

extension String {
    /// The lines `while read` would see: every line ended by a newline (an unterminated last line
    /// is not read, as `read` fails on it).
    var terminatedLines: [Substring] {
        var lines = split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        return lines
    }

    /// The lines of a file as `sed`, `head` and shadow-utils see them: a last line without its
    /// newline still counts.
    var fileLines: [String] {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Fields separated by runs of blanks, leading and trailing blanks ignored (`read`, awk).
    var blankSeparatedFields: [Substring] {
        split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    /// Fields separated by every `:` (empty fields kept).
    var colonFields: [String] {
        split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    }
}

extension Array where Element == UInt8 {
    /// Where `needle` first occurs at or after `from` (byte-wise: hooks parse /proc text, and the
    /// generic StringProtocol search costs milliseconds there).
    func firstOffset(of needle: [UInt8], from: Int = 0) -> Int? {
        guard needle.count <= count else { return nil }
        var offset = from
        while offset + needle.count <= count {
            if hasBytes(needle, at: offset) { return offset }
            offset += 1
        }
        return nil
    }

    func hasBytes(_ needle: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + needle.count <= count else { return false }
        for index in needle.indices where self[offset + index] != needle[index] { return false }
        return true
    }
}
