import Glibc
import Testing
import PyxisCore

/// A combining mark (U+0301) after `'`, `/`, `:` or a space joins it into one Swift Character
/// that equals none of them, and `\r\n` is one Character; bash, the kernel and enroot read the
/// bytes. Every guard must see the ASCII byte (ByteText.swift).
struct CombiningMarkTests {
    static let mark = "\u{301}"

    @Test(arguments: ["'\u{301}; touch /tmp/pyxis-injected; '", "a'\u{301}b", "'\u{301}", "\u{301}'"])
    func aQuoteJoinedByACombiningMarkStaysQuoted(word: String) throws {
        let pipe = try #require(popen("printf '%s|' " + ShellQuoting.quote(word), "r"))
        var output: [UInt8] = []
        while case let byte = fgetc(pipe), byte != EOF { output.append(UInt8(byte)) }
        #expect(pclose(pipe) == 0)
        #expect(String(decoding: output, as: UTF8.self) == word + "|")
    }

    @Test(arguments: ["a\r\nENROOT_ROOTFS=/", "a\r\u{301}b", "a\n\u{301}b"])
    func aLineBreakInAnEnvironmentValueIsRefused(value: String) {
        let config = EnrootStartConfig(mounts: [], runEntrypoint: true, environment: [("X", value)])
        #expect(throws: PyxisError.self) { try config.render() }
    }

    @Test func aSlashJoinedByACombiningMarkIsNoContainerName() {
        #expect(throws: PyxisError.self) { try ContainerName(parsing: "a/\(Self.mark)b") }
        #expect(throws: PyxisError.self) { try ContainerName(parsing: "../\(Self.mark)x") }
    }

    @Test func aDotDotComponentBehindACombiningMarkIsRefused() {
        #expect(throws: PyxisError.self) { try PluginConfig(arguments: ["runtime_path=/run/../\(Self.mark)x"]) }
        #expect(throws: PyxisError.self) { try PluginConfig(arguments: ["runtime_path=/run/ \(Self.mark)x"]) }
    }

    @Test func aSpaceJoinedByACombiningMarkIsNoImageName() {
        #expect(throws: PyxisError.self) { try ImageReference(parsing: "ubuntu \(Self.mark)x") }
    }

    @Test func mountFieldsSplitAtEveryColon() throws {
        // `/a:\u{301}/b` is source /a and target \u{301}/b, which is not a path.
        #expect(throws: PyxisError.self) { try MountSpec.parseList("/a:\(Self.mark)/b") }
        let mounts = try MountSpec.parseList("/a:/b\(Self.mark):ro+nosuid")
        #expect(mounts.count == 1)
        #expect(throws: PyxisError.self) { try MountSpec.parseList("/a:/b:ro+ \(Self.mark)") }
    }
}
