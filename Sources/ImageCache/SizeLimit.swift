/// A cache size limit as administrators write it: bytes, or a number with K, M, G or T (powers
/// of 1024, an optional trailing `B` or `iB`), e.g. `500G`, `1.5T`, `0` (no limit).
public enum SizeLimit {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let value: String
        public var description: String {
            "invalid size '\(value)': expected a number of bytes, optionally with K, M, G or T (powers of 1024), e.g. 500G"
        }
    }

    public static func parse(_ text: String) throws(Invalid) -> UInt64 {
        var digits = Substring(text)
        for suffix in ["iB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        var scale: Double = 1
        if let unit = digits.last, let power = "KMGT".firstIndex(of: Character(unit.uppercased())) {
            scale = Double(1 << (10 * ("KMGT".distance(from: "KMGT".startIndex, to: power) + 1)))
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              digits.filter({ $0 == "." }).count <= 1, digits.first != ".", digits.last != ".",
              let number = Double(digits), (number * scale).isFinite, number * scale < 0x1p63 else {
            throw Invalid(value: text)
        }
        return UInt64((number * scale).rounded(.down))
    }

    /// `1.5G`-style text for messages and `list`.
    public static func describe(_ bytes: UInt64) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes)B" }
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))\(units[unit])" : "\(tenths)\(units[unit])"
    }
}
