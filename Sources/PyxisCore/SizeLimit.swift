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
        var scale: UInt64 = 1
        if let unit = digits.last, let power = ["K", "M", "G", "T"].firstIndex(of: unit.uppercased()) {
            scale = 1 << (10 * UInt64(power + 1))
            digits = digits.dropLast()
        }
        // Integers only (no libm in the plugin): WHOLE[.FRACTION] × scale, rounded down.
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (48...57).contains($0) } }),
              parts.count == 1 || scale > 1, parts[0].count <= 19, parts.count == 1 || parts[1].count <= 6,
              let whole = UInt64(parts[0]) else {
            throw Invalid(value: text)
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow, product < 1 << 63 else { throw Invalid(value: text) }
        guard parts.count == 2, let fraction = UInt64(parts[1]) else { return product }
        var denominator: UInt64 = 1
        for _ in parts[1] { denominator *= 10 }
        return product + fraction * scale / denominator
    }

    /// `1.5G`-style text for messages and `list`.
    public static func describe(_ bytes: UInt64) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var unit = 0
        var divisor: UInt64 = 1
        while bytes / divisor >= 1024, unit < units.count - 1 { divisor <<= 10; unit += 1 }
        if unit == 0 { return "\(bytes)B" }
        let tenths = (bytes * 10 + divisor / 2) / divisor   // rounded to a tenth
        return tenths % 10 == 0 ? "\(tenths / 10)\(units[unit])" : "\(tenths / 10).\(tenths % 10)\(units[unit])"
    }
}
