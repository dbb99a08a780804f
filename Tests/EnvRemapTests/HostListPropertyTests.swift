import Testing
@testable import EnvRemap

/// Property tests: random well-formed hostlists are rendered to text, then the parser's
/// expansion is compared with a straightforward expansion of the generated structure.
/// A seeded generator keeps failures reproducible (the seed is in the test's arguments).
struct HostListPropertyTests {
    /// SplitMix64: tiny, seedable, good enough for test inputs.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
    }

    /// The generated structure: patterns of literal text or groups of (low, high, width).
    enum Piece { case text(String); case group([(UInt64, UInt64, Int)]) }

    static func render(_ patterns: [[Piece]]) -> String {
        patterns.map { pattern in
            pattern.map { piece -> String in
                switch piece {
                case .text(let text): return text
                case .group(let ranges):
                    return "[" + ranges.map { low, high, width in
                        let lowText = pad(low, width)
                        return low == high && low % 2 == 0 ? lowText : "\(lowText)-\(pad(high, width))"
                    }.joined(separator: ",") + "]"
                }
            }.joined()
        }.joined(separator: ",")
    }

    static func pad(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The reference: recursive, obviously correct, no cleverness.
    static func reference(_ pattern: ArraySlice<Piece>) -> [String] {
        guard let piece = pattern.first else { return [""] }
        let rest = reference(pattern.dropFirst())
        switch piece {
        case .text(let text): return rest.map { text + $0 }
        case .group(let ranges):
            var out: [String] = []
            for (low, high, width) in ranges {
                for value in low...high { out += rest.map { pad(value, width) + $0 } }
            }
            return out
        }
    }

    static func randomPatterns(_ g: inout Generator) -> [[Piece]] {
        let words = ["node", "gpu", "rack", "-", "n", "x.y", "a_b", "c"]
        return (0..<g.int(1...4)).map { _ in
            var pieces: [Piece] = []
            for index in 0..<g.int(1...4) {
                // Two adjacent literals would render as one; alternate so the structure round-trips.
                if index % 2 == 0 && g.int(0...3) > 0 {
                    pieces.append(.text(g.pick(words)))
                } else {
                    pieces.append(.group((0..<g.int(1...3)).map { _ in
                        let low = UInt64(g.int(0...120))
                        let high = low + UInt64(g.int(0...6))
                        return (low, high, g.int(1...4))
                    }))
                }
            }
            return pieces
        }
    }

    @Test(arguments: 0..<40)
    func matchesReferenceExpansion(seed: Int) throws {
        var g = Generator(state: UInt64(seed))
        for _ in 0..<50 {
            let patterns = Self.randomPatterns(&g)
            let text = Self.render(patterns)
            let expected = patterns.flatMap { Self.reference($0[...]) }
            let list = try HostList(parsing: text)
            let hosts = try list.expanded()
            #expect(hosts == expected, "\(text)")
            #expect(list.count == UInt64(expected.count), "\(text)")
            #expect(list.first == expected.first, "\(text)")
        }
    }

    /// Arbitrary bytes from the hostlist alphabet: parsing either succeeds consistently or
    /// throws, never traps.
    @Test(arguments: 0..<20)
    func neverCrashesOnNoise(seed: Int) {
        var g = Generator(state: UInt64(seed) &+ 1000)
        let alphabet = Array("n0123456789[]-,x ".utf8) + [0, 0xFF]
        for _ in 0..<500 {
            let bytes = (0..<g.int(0...24)).map { _ in g.pick(alphabet) }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let list = try? HostList(parsing: text) else { continue }
            if list.count <= 10_000, let hosts = try? list.expanded(limit: 10_000) {
                #expect(UInt64(hosts.count) == list.count)
                #expect(hosts.first == list.first)
            }
        }
    }
}
