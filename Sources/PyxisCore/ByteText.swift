/// Checks and splits on the bytes of UTF-8 text. Swift compares Characters, and a combining mark
/// after an ASCII character joins it into one Character that equals neither (`'` + U+0301,
/// `/` + U+0301, and `\r\n` is one Character too); bash, the kernel, enroot and getmntent read
/// bytes. Everything that guards a quote, a path or a line is therefore decided here.
extension StringProtocol {
    /// Whether the text holds the ASCII character `ascii`.
    func containsByte(_ ascii: Unicode.Scalar) -> Bool {
        utf8.contains(UInt8(ascii: ascii))
    }

    /// The text split at each ASCII `separator` (a byte that never occurs inside a multi-byte
    /// sequence, so every piece is whole UTF-8).
    func splitBytes(_ separator: Unicode.Scalar, omittingEmpty: Bool = true) -> [String] {
        utf8.split(separator: UInt8(ascii: separator), omittingEmptySubsequences: omittingEmpty)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether a path has a `.` or `..` component.
    var hasDotComponent: Bool {
        utf8.split(separator: UInt8(ascii: "/")).contains { $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }
    }
}
