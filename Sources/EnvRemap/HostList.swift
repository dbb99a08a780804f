// Native Slurm hostlist expressions, so the hooks never spawn `scontrol show hostnames`.

/// A parsed Slurm hostlist expression.
///
/// Accepted forms (walked byte by byte):
///
///     node1                      → node1
///     node[001-004,010]          → node001 node002 node003 node004 node010
///     node[8-10]                 → node8 node9 node10      (width of the low bound: no padding)
///     rack[1-2]-node[01-02]      → rack1-node01 rack1-node02 rack2-node01 rack2-node02
///     login,gpu[1-2],cpu7        → login gpu1 gpu2 cpu7
///
/// Rejected, with a `HostListError` naming the offset:
///
///     ""  "a,,b"  "a,"           empty list or empty name
///     "n[1-2"  "n1-2]"  "n[[1]]" unbalanced or nested brackets
///     "n[]"  "n[1,]"  "n[-2]"    empty range
///     "n[a-b]"  "n[1-2-3]"       a range that is not DIGITS or DIGITS-DIGITS
///     "n[5-3]"                   reversed range
///     "n[1-9999999999999999999]" numbers longer than 18 digits
///     "a b"                      whitespace or control characters
///
/// Parsing never expands; `count` and `first` are computed from the structure, and `expanded`
/// refuses to build more than a caller-given number of names.
public struct HostList: Sendable, Equatable {
    /// One `lo-hi` range of a bracket group; numbers print zero-padded to `width` digits.
    public struct Range: Sendable, Equatable {
        public var low: UInt64
        public var high: UInt64
        public var width: Int

        public init(low: UInt64, high: UInt64, width: Int) {
            self.low = low
            self.high = high
            self.width = width
        }

        var count: UInt64 { high - low + 1 }
    }

    /// A piece of one host pattern: literal text or a bracket group.
    public enum Part: Sendable, Equatable {
        case literal(String)
        case group([Range])
    }

    /// The comma-separated patterns, each a sequence of parts.
    public private(set) var patterns: [[Part]]

    /// The default cap of `expanded()`; Slurm's own limit on a job is far below it.
    public static let defaultLimit = 1 << 20

    public init(parsing text: String) throws(HostListError) {
        patterns = try HostListParser.parse(Array(text.utf8))
    }

    /// Number of host names; saturates at `UInt64.max` for absurd expressions.
    public var count: UInt64 {
        var total: UInt64 = 0
        for pattern in patterns {
            var product: UInt64 = 1
            for case .group(let ranges) in pattern {
                var groupCount: UInt64 = 0
                for range in ranges {
                    let (sum, overflow) = groupCount.addingReportingOverflow(range.count)
                    if overflow { return .max }
                    groupCount = sum
                }
                let (next, overflow) = product.multipliedReportingOverflow(by: groupCount)
                if overflow { return .max }
                product = next
            }
            let (sum, overflow) = total.addingReportingOverflow(product)
            if overflow { return .max }
            total = sum
        }
        return total
    }

    /// The first host name, without expanding the rest (what `MASTER_ADDR` needs).
    public var first: String {
        var name = ""
        for part in patterns.first ?? [] {
            switch part {
            case .literal(let text): name += text
            case .group(let ranges):
                if let range = ranges.first { name += Self.format(range.low, width: range.width) }
            }
        }
        return name
    }

    /// All host names in Slurm's order (leftmost bracket group varies slowest).
    public func expanded(limit: Int = HostList.defaultLimit) throws(HostListError) -> [String] {
        let total = count
        guard limit >= 0, total <= UInt64(limit) else {
            throw .tooManyHosts(count: total, limit: limit)
        }
        var names: [String] = []
        names.reserveCapacity(Int(total))
        for pattern in patterns {
            // Iterative cartesian product: no recursion, so a pattern with thousands of bracket
            // groups cannot exhaust the stack; every intermediate list is at most `total` long.
            var current = [""]
            for part in pattern {
                switch part {
                case .literal(let text):
                    current = current.map { $0 + text }
                case .group(let ranges):
                    var next: [String] = []
                    for prefix in current {
                        for range in ranges {
                            var value = range.low
                            while true {
                                next.append(prefix + Self.format(value, width: range.width))
                                if value == range.high { break }
                                value += 1
                            }
                        }
                    }
                    current = next
                }
            }
            names += current
        }
        return names
    }

    static func format(_ value: UInt64, width: Int) -> String {
        let digits = String(value)
        let padding = width - digits.utf8.count
        return padding > 0 ? String(repeating: "0", count: padding) + digits : digits
    }
}

/// Why a hostlist expression was rejected. Offsets are byte offsets into the expression.
public enum HostListError: Error, Equatable, CustomStringConvertible {
    case empty
    case emptyName(offset: Int)
    case unbalancedBracket(offset: Int)
    case nestedBracket(offset: Int)
    case emptyRange(offset: Int)
    case invalidRange(offset: Int)
    case reversedRange(low: UInt64, high: UInt64, offset: Int)
    case numberTooLong(offset: Int)
    case invalidCharacter(UInt8, offset: Int)
    case tooManyHosts(count: UInt64, limit: Int)

    public var description: String {
        switch self {
        case .empty: return "empty hostlist"
        case .emptyName(let offset): return "empty host name at offset \(offset)"
        case .unbalancedBracket(let offset): return "unbalanced bracket at offset \(offset)"
        case .nestedBracket(let offset): return "nested '[' at offset \(offset)"
        case .emptyRange(let offset): return "empty range at offset \(offset)"
        case .invalidRange(let offset):
            return "invalid range at offset \(offset) (expected DIGITS or DIGITS-DIGITS)"
        case .reversedRange(let low, let high, let offset):
            return "reversed range \(low)-\(high) at offset \(offset)"
        case .numberTooLong(let offset): return "number longer than 18 digits at offset \(offset)"
        case .invalidCharacter(let byte, let offset):
            return "invalid character 0x\(String(byte, radix: 16)) at offset \(offset)"
        case .tooManyHosts(let count, let limit):
            return "hostlist expands to \(count) names, more than the limit of \(limit)"
        }
    }
}

enum HostListParser {
    static let maxDigits = 18

    static func parse(_ bytes: [UInt8]) throws(HostListError) -> [[HostList.Part]] {
        guard !bytes.isEmpty else { throw .empty }
        var patterns: [[HostList.Part]] = []
        var parts: [HostList.Part] = []
        var literal: [UInt8] = []
        var patternStart = 0
        var position = 0

        func finishPattern(at offset: Int) throws(HostListError) {
            if !literal.isEmpty {
                parts.append(.literal(String(decoding: literal, as: UTF8.self)))
                literal.removeAll()
            }
            guard !parts.isEmpty else { throw .emptyName(offset: offset) }
            patterns.append(parts)
            parts = []
        }

        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: ","):
                try finishPattern(at: patternStart)
                position += 1
                patternStart = position
            case UInt8(ascii: "["):
                if !literal.isEmpty {
                    parts.append(.literal(String(decoding: literal, as: UTF8.self)))
                    literal.removeAll()
                }
                let (ranges, end) = try parseGroup(bytes, open: position)
                parts.append(.group(ranges))
                position = end + 1
            case UInt8(ascii: "]"):
                throw .unbalancedBracket(offset: position)
            case 0...32, 127:
                throw .invalidCharacter(byte, offset: position)
            default:
                literal.append(byte)
                position += 1
            }
        }
        try finishPattern(at: patternStart)
        return patterns
    }

    /// Parses `[r,r,...]` starting at `open`; returns the ranges and the offset of `]`.
    static func parseGroup(_ bytes: [UInt8], open: Int) throws(HostListError) -> ([HostList.Range], Int) {
        var ranges: [HostList.Range] = []
        var position = open + 1
        var itemStart = position
        while true {
            guard position < bytes.count else { throw .unbalancedBracket(offset: open) }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "]"):
                ranges.append(try parseRange(bytes[itemStart..<position], offset: itemStart))
                if byte == UInt8(ascii: "]") { return (ranges, position) }
                itemStart = position + 1
            case UInt8(ascii: "["):
                throw .nestedBracket(offset: position)
            default:
                break
            }
            position += 1
        }
    }

    static func parseRange(_ item: ArraySlice<UInt8>, offset: Int) throws(HostListError) -> HostList.Range {
        guard !item.isEmpty else { throw .emptyRange(offset: offset) }
        let dash = item.firstIndex(of: UInt8(ascii: "-"))
        let lowDigits = dash.map { item[item.startIndex..<$0] } ?? item
        let low = try number(lowDigits, offset: offset)
        var high = low
        if let dash {
            high = try number(item[(dash + 1)...], offset: dash + 1)
        }
        guard low <= high else { throw .reversedRange(low: low, high: high, offset: offset) }
        return HostList.Range(low: low, high: high, width: lowDigits.count)
    }

    static func number(_ digits: ArraySlice<UInt8>, offset: Int) throws(HostListError) -> UInt64 {
        guard !digits.isEmpty else { throw .emptyRange(offset: offset) }
        guard digits.count <= maxDigits else {
            throw digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                ? .numberTooLong(offset: offset) : .invalidRange(offset: offset)
        }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidRange(offset: offset)
            }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
