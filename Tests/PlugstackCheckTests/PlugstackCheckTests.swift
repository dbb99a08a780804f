import PlugstackCheck
import PyxisCore
import Glibc
import Testing

/// The front vouches for a plugstack line in C and leaves the Swift core unloaded; a line it
/// cannot vouch for loads the core, which judges it. So the C reading may be narrower than
/// `PluginConfig`, never wider, and it must vouch for the lines sites write.
@Suite struct PlugstackCheckTests {
    static func vouches(_ arguments: [String]) -> Bool {
        withCArguments(arguments) { pyxis_plugstack_surely_valid($0, $1) == 1 }
    }

    static func sbatchSupport(_ arguments: [String]) -> Bool {
        withCArguments(arguments) { pyxis_plugstack_sbatch_support($0, $1) == 1 }
    }

    static func withCArguments<T>(_ arguments: [String], _ body: (Int32, UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        var pointers = arguments.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { body(Int32(arguments.count), $0.baseAddress!) }
    }

    static func swiftAccepts(_ arguments: [String]) -> PluginConfig? {
        try? PluginConfig(arguments: arguments)
    }

    /// Values per key, good and bad, the edges of each rule among them.
    static let samples: [String: [String]] = [
        "runtime_path": ["/run/pyxis", "/run/pyxis/", "/", "//", "///x", "run", "", "/a b", "/a/./b", "/a/../b", "/a/..b", "/.x", "/a/.", "/a/..", "/tab\there", "/é"],
        "execute_entrypoint": ["0", "1", "true", "TRUE", "Yes", "y", "N", "no", "off", "", "2", "truee", "ye"],
        "container_scope": ["job", "global", "Job", "node", "", "jobs"],
        "sbatch_support": ["0", "1", "false", "YES", "", "maybe"],
        "use_enroot_load": ["0", "1", "x"],
        "importer": ["/usr/bin/importer", "importer", "/a/../b", "/"],
        "use_squashfuse": ["auto", "AUTO", "Auto", "0", "1", "no", "sometimes", ""],
        "image_cache": ["/scratch/%u/images", "/scratch/%U", "/c/%%", "/c/%", "/c/%x", "/c/%u%", "c/%u", "/c/%u/../x", "/c/100%"],
        "image_cache_max": ["0", "50G", "50GB", "50GiB", "1.5T", "1.5", "1.", ".5G", "10k", "10kB", "10iB", "10B", "KB", "", "999999T", "9999999T",
                            "1.1234567G", "1.123456G", "999999999999999999", "9999999999999999999", "18446744073709551615", "9223372036854775808", "-1", "1e9"],
        "image_cache_user": ["0", "1", "2"],
        "image_cache_fallback": ["0", "1", "on"],
        "image_cache_command": ["/usr/bin/pyxis-image-cache", "pyxis-image-cache"],
        "image_cache_tag_ttl": ["0", "300", "4294967295", "4294967296", "999999999", "1000000000", "-1", "+5", " 5", "5s", ""],
        "colour": ["blue"],
        "": ["x"],
    ]

    static var singleArguments: [String] {
        samples.flatMap { key, values in values.map { key.isEmpty ? "=\($0)" : "\(key)=\($0)" } } + ["runtime_path", "container_scope=job=x", ""]
    }

    @Test func neverVouchesForALineTheCoreRejects() {
        let singles = Self.singleArguments
        var lines = singles.map { [$0] }
        for a in singles {
            for b in singles {
                lines.append([a, b])
            }
        }
        for line in lines where Self.vouches(line) {
            #expect(Self.swiftAccepts(line) != nil, "C vouches for \(line), PluginConfig rejects it")
        }
    }

    @Test func neverVouchesForRandomLinesTheCoreRejects() {
        var generator = SystemRandomNumberGenerator()
        let keys = Array(Self.samples.keys)
        let alphabet = Array("/%uU.GiBkT01yYnaAeobjl =-\t\u{1}é:+".unicodeScalars)
        for _ in 0..<20_000 {
            var line: [String] = []
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                var value = ""
                for _ in 0..<Int.random(in: 0...8, using: &generator) {
                    value.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
                }
                line.append("\(keys.randomElement(using: &generator)!)=\(value)")
            }
            if Self.vouches(line) {
                #expect(Self.swiftAccepts(line) != nil, "C vouches for \(line), PluginConfig rejects it")
            }
        }
    }

    /// The lines of the README and docs, and the usual ones: these must never load the core.
    @Test func vouchesForTheLinesSitesWrite() {
        let lines: [[String]] = [
            [],
            ["runtime_path=/run/pyxis"],
            ["runtime_path=/run/pyxis", "execute_entrypoint=0", "container_scope=global", "sbatch_support=1"],
            ["container_scope=job"],
            ["use_enroot_load=1", "importer=/usr/local/bin/pyxis-import"],
            ["use_squashfuse=auto"],
            ["image_cache=/scratch/%u/enroot-images", "image_cache_max=50G"],
            ["image_cache=/shared/cache/%U", "image_cache_max=1.5TiB", "image_cache_user=1", "image_cache_fallback=0", "image_cache_tag_ttl=300"],
            ["image_cache_command=/usr/local/libexec/pyxis-image-cache"],
            ["sbatch_support=0", "sbatch_support=0"],
        ]
        for line in lines {
            #expect(Self.vouches(line), "C does not vouch for \(line)")
            #expect(Self.swiftAccepts(line) != nil)
        }
    }

    @Test func readsSbatchSupportAsTheCoreDoes() {
        for value in Self.samples["sbatch_support"]! + ["n", "No", "TRUE"] {
            let line = ["runtime_path=/run/pyxis", "sbatch_support=\(value)"]
            guard let config = Self.swiftAccepts(line) else { continue }
            #expect(Self.sbatchSupport(line) == config.sbatchSupport, "sbatch_support=\(value)")
        }
        #expect(Self.sbatchSupport([]) == PluginConfig().sbatchSupport)
    }
}
