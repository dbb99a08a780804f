import Testing
@testable import PyxisDoctor

/// The doctor reads the plugin's `plugin_version` from the file's bytes (no dlopen), as Slurm's
/// dlsym would find it: in .dynsym, at the file offset of its address.
@Suite struct ELFSymbolTests {
    func read(_ bytes: [UInt8], _ name: String = "plugin_version") -> Result<UInt32, ELFSymbol.Problem> {
        ELFSymbol.uint32(named: name, in: bytes)
    }

    func problem(_ bytes: [UInt8], _ name: String = "plugin_version") -> String? {
        if case .failure(let problem) = read(bytes, name) { problem.message } else { nil }
    }

    @Test(arguments: [UInt32(0x160508), 0x170b0b, 0x180b07, 0x190b07, 0x1a0503])
    func readsThePluginVersionThroughItsSection(version: UInt32) {
        let bytes = ELFImage.plugin(version: version).bytes
        #expect(read(bytes) == .success(version))
        #expect(read(bytes, "spank_plugin_version") == .success(1))
    }

    @Test func otherFilesAreNamedForWhatTheyAre() {
        #expect(problem([]) == "is empty, not an ELF shared object")
        #expect(problem(Array("#!/bin/sh\necho not a plugin\n".utf8) + [UInt8](repeating: 0x20, count: 64)) == "is not an ELF file")
        var image = ELFImage.plugin(version: 0x160508)
        image.elfClass = 1
        #expect(problem(image.bytes) == "is a 32-bit ELF file, not ELF64")
        image = ELFImage.plugin(version: 0x160508)
        image.byteOrder = 2
        #expect(problem(image.bytes) == "is a big-endian ELF file")
        image = ELFImage.plugin(version: 0x160508)
        image.type = 2
        #expect(problem(image.bytes) == "is not a shared object (ELF type 2)")
    }

    @Test func aSymbolThatIsMissingOrUnreadableIsAProblem() {
        var image = ELFImage.plugin(version: 0x160508)
        #expect(problem(image.bytes, "plugin_versio") == "has no plugin_versio symbol")
        #expect(problem(image.bytes, "plugin_version_x") == "has no plugin_version_x symbol")
        image.symbols[1].section = 0
        #expect(problem(image.bytes) == "does not define plugin_version (it refers to another object's)")
        image.symbols[1].section = 0xfff1
        #expect(problem(image.bytes) == "has plugin_version outside its sections (section index 65521)")
        image.symbols[1] = .init(name: "plugin_version", value: ELFImage.bssAddress, section: ELFImage.bssSection)
        #expect(problem(image.bytes) == "has plugin_version in a section without contents (.bss: zero)")
        image = ELFImage.plugin(version: 0x160508)
        image.symbols[1].size = 8
        #expect(problem(image.bytes) == "has a plugin_version of 8 bytes, not 4")
        image.symbols[1] = .init(name: "plugin_version", value: ELFImage.rodataAddress + 6)
        #expect(problem(image.bytes) == "has plugin_version at 0x2006, outside the section that should hold it")
    }

    /// Every shorter file, and every byte of the file set to 0xff, gives a value or a problem:
    /// never a read past the end.
    @Test func truncatedOrDamagedFilesNeverReadPastTheirEnd() {
        let bytes = ELFImage.plugin(version: 0x1a0503).bytes
        for length in 0..<bytes.count {
            if case .success = read(Array(bytes.prefix(length))) { Issue.record("read a value from the first \(length) bytes") }
        }
        for index in bytes.indices {
            for byte: UInt8 in [0x00, 0x80, 0xff] {
                var damaged = bytes
                damaged[index] = byte
                _ = read(damaged)
            }
        }
        #expect(problem(Array(bytes.prefix(100)))?.hasPrefix("is truncated (") == true)
    }
}
