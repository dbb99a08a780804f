/// Quotes a word for bash so that it is read back as exactly one word, whatever it holds:
/// `it's` → `'it'\''s'`. Used for every user-supplied value in the enroot config file, so no
/// value can end the quote and run a command. Works on bytes, as bash reads them: a `'` that a
/// combining mark joins into another Character is still a quote to bash (ByteText.swift).
public enum ShellQuoting {
    public static func quote(_ word: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(word.utf8.count + 2)
        for byte in word.utf8 {
            if byte == UInt8(ascii: "'") {
                out += Array(#"'\''"#.utf8)
            } else {
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "'"))
        return String(decoding: out, as: UTF8.self)
    }
}
