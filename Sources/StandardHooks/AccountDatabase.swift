/// One account database as shadow-utils' commonio holds it between reading and writing: its
/// lines, each with its entry when it parses. Lines nobody touched are written back as read;
/// updated and added ones are rendered from their entry.
public struct AccountDatabase<Entry: AccountEntry>: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public var text: String
        public var entry: Entry?
        /// Added by pwck/grpck (commonio's entries without a line, which some checks skip).
        public var added = false
        var rendered = false
    }

    public private(set) var lines: [Line]
    /// Whether commonio would write this database back (any deletion, update or addition).
    public private(set) var changed = false

    public init(lines: [String]) {
        self.lines = lines.map { Line(text: $0, entry: Entry(line: $0)) }
    }

    public init(text: String) { self.init(lines: text.fileLines) }

    public var textLines: [String] { lines.map { line in (line.rendered ? line.entry?.line : nil) ?? line.text } }

    public var text: String { textLines.map { $0 + "\n" }.joined() }

    /// commonio's `locate`: the valid entry of that name.
    public func locate(_ name: String) -> Entry? {
        lines.first(where: { $0.entry?.name == name })?.entry
    }

    mutating func update(_ index: Int, _ entry: Entry) {
        lines[index].entry = entry
        lines[index].rendered = true
        changed = true
    }

    mutating func append(_ entry: Entry) {
        lines.append(Line(text: entry.line, entry: entry, added: true, rendered: true))
        changed = true
    }

    mutating func removeAll(where shouldRemove: (Line) -> Bool) {
        let before = lines.count
        lines.removeAll(where: shouldRemove)
        if lines.count != before { changed = true }
    }

    /// pwck's and grpck's first checks on every line they do not `skip`: an invalid line is
    /// deleted, and so is a line whose name appears again on another line (the check runs top
    /// down and deletes the line it is on, so the last line of a name stays).
    mutating func removeInvalidAndEarlierDuplicates(skip: (Line) -> Bool) {
        var lastIndex: [String: Int] = [:]
        for (index, line) in lines.enumerated() {
            if let name = line.entry?.name { lastIndex[name] = index }
        }
        var index = -1
        removeAll { line in
            index += 1
            guard !skip(line) else { return false }
            guard let name = line.entry?.name else { return true }
            return lastIndex[name] != index
        }
    }

    /// Whether commonio's write of this database fails: shadow-utils refuses to write an entry
    /// it renders (changed or added) with a control character (`\r`, a tab, ...) in a field,
    /// and then leaves the file as it was (after making its backup).
    var failsToWrite: Bool {
        lines.contains { line in line.rendered && (line.entry?.line.utf8.contains { $0 < 0x20 || $0 == 0x7F } ?? false) }
    }

    /// The database as commonio leaves it after a failed write: read again, unchanged, but its
    /// backup made (so it still counts as written for the file's mode).
    mutating func writeFailed(original: AccountDatabase) {
        self = original
        changed = true
    }

    /// NIS lines (`+name...`, `-name...`), which pwck and grpck leave alone.
    static func isNIS(_ line: Line) -> Bool { line.text.hasPrefix("+") || line.text.hasPrefix("-") }
}
