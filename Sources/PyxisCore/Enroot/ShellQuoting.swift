/// Quotes a word for bash so that it is read back as exactly one word, whatever it holds:
/// `it's` → `'it'\''s'`. Used for every user-supplied value in the enroot config file, so no
/// value can end the quote and run a command.
public enum ShellQuoting {
    public static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

extension String {
    /// `replacing(_:with:)` without Foundation, over Unicode scalars.
    func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target {
                out += replacement
            } else {
                out.append(character)
            }
        }
        return out
    }
}
