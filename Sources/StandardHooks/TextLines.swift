// Line and field splitting the way the shell tools in enroot's hooks split them. Lines end at
// the byte `\n` only: Swift's Character view takes `\r\n` for one character, so splitting on
// Characters would glue a CRLF line to the next one; a CR stays in its line, as the tools keep it.

extension String {
    /// Text that holds every byte of a file as one scalar (ISO 8859-1), so that bytes that are
    /// not UTF-8 (a Latin-1 name) survive the parsing and are written back as they were read.
    public init(bytes: [UInt8]) {
        self = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// The bytes of text made by `init(bytes:)` (and of ASCII text); a scalar above U+00FF,
    /// which such text cannot hold, is written as its UTF-8.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(unicodeScalars.count)
        for scalar in unicodeScalars {
            if scalar.value < 0x100 { out.append(UInt8(scalar.value)) } else { out += Array(String(scalar).utf8) }
        }
        return out
    }

    /// The lines `while read` would see: every line ended by a newline (an unterminated last line
    /// is not read, as `read` fails on it).
    var terminatedLines: [Substring] {
        var lines = unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }
        lines.removeLast()
        return lines
    }

    /// The lines of a file as `sed`, `head` and shadow-utils see them: a last line without its
    /// newline still counts.
    var fileLines: [String] {
        var lines = unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
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
