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
