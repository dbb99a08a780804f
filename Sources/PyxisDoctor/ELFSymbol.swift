/// The value of a 4-byte symbol of an ELF shared object, read from the file's bytes without
/// loading it (no dlopen: the doctor must not run a plugin's constructors, and a plugin built
/// for another Slurm may not even load). The doctor reads `plugin_version`, which
/// `SPANK_PLUGIN(pyxis, 1)` in the front defines as the SLURM_VERSION_NUMBER of the headers it
/// was compiled with, and which Slurm itself reads with dlsym before it accepts the plugin.
///
/// Only what dlsym sees counts: the dynamic symbol table (.dynsym, with its string table), not
/// .symtab, which `strip` removes. The symbol's address is mapped to a file offset through the
/// section that holds it. ELF64, little-endian: the machines pyxis is built for.
public enum ELFSymbol {
    /// Why the value could not be read, in words that follow the file's name
    /// ("/usr/lib/slurm/spank_pyxis.so is not an ELF file").
    public struct Problem: Error, Equatable, Sendable {
        public var message: String

        public init(_ message: String) {
            self.message = message
        }
    }

    // ELF constants (elf.h).
    static let classELF64: UInt8 = 2, dataLittleEndian: UInt8 = 1
    static let typeSharedObject: UInt16 = 3
    static let sectionStringTable: UInt32 = 3, sectionNoBits: UInt32 = 8, sectionDynamicSymbols: UInt32 = 11
    static let undefinedSection: UInt16 = 0, firstReservedSection: UInt16 = 0xff00
    static let symbolSize = 24, sectionHeaderSize = 64

    struct Section {
        var type: UInt32
        var address: UInt64
        var offset: UInt64
        var size: UInt64
        var link: UInt32
        var entrySize: UInt64
    }

    /// The 4-byte little-endian value of the dynamic symbol `name` (`plugin_version`).
    public static func uint32(named name: String, in bytes: [UInt8]) -> Result<UInt32, Problem> {
        do {
            return .success(try read(name, bytes))
        } catch {
            return .failure(error)
        }
    }

    static func read(_ name: String, _ bytes: [UInt8]) throws(Problem) -> UInt32 {
        let file = Bytes(bytes)
        guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw Problem(bytes.isEmpty ? "is empty, not an ELF shared object" : "is not an ELF file")
        }
        guard bytes[4] == classELF64 else { throw Problem("is a 32-bit ELF file, not ELF64") }
        guard bytes[5] == dataLittleEndian else { throw Problem("is a big-endian ELF file") }
        let type = try file.u16(16)
        guard type == typeSharedObject else { throw Problem("is not a shared object (ELF type \(type))") }

        let sections = try sectionHeaders(file)
        guard let symbols = sections.first(where: { $0.type == sectionDynamicSymbols }) else {
            throw Problem("has no dynamic symbol table (.dynsym)")
        }
        guard Int(symbols.link) < sections.count, sections[Int(symbols.link)].type == sectionStringTable else {
            throw Problem("has a dynamic symbol table without its string table")
        }
        let strings = sections[Int(symbols.link)]
        let entrySize = symbols.entrySize == 0 ? UInt64(symbolSize) : symbols.entrySize
        guard entrySize >= UInt64(symbolSize), entrySize <= 1024 else { throw Problem("has dynamic symbols of \(entrySize) bytes, not \(symbolSize)") }
        let wanted = Array(name.utf8)
        let start = try file.offset(symbols.offset)
        for index in 1..<max(1, Int(clamping: symbols.size / entrySize)) {
            let symbol = start + index * Int(entrySize)
            let nameOffset = try file.u32(symbol)
            guard try file.isString(wanted, at: file.offset(strings.offset, plus: UInt64(nameOffset)), limit: file.offset(strings.offset, plus: strings.size)) else { continue }
            let sectionIndex = try file.u16(symbol + 6)
            let value = try file.u64(symbol + 8), size = try file.u64(symbol + 16)
            guard sectionIndex != undefinedSection else { throw Problem("does not define \(name) (it refers to another object's)") }
            guard sectionIndex < firstReservedSection, Int(sectionIndex) < sections.count else {
                throw Problem("has \(name) outside its sections (section index \(sectionIndex))")
            }
            guard size == 4 else { throw Problem("has a \(name) of \(size) bytes, not 4") }
            let section = sections[Int(sectionIndex)]
            guard section.type != sectionNoBits else { throw Problem("has \(name) in a section without contents (.bss: zero)") }
            guard value >= section.address, value - section.address <= section.size, section.size - (value - section.address) >= 4 else {
                throw Problem("has \(name) at 0x\(String(value, radix: 16)), outside the section that should hold it")
            }
            return try file.u32(file.offset(section.offset, plus: value - section.address))
        }
        throw Problem("has no \(name) symbol")
    }

    /// The section headers (e_shoff, e_shentsize, e_shnum; more than 0xff00 sections keep their
    /// count in the first header's sh_size).
    static func sectionHeaders(_ file: Bytes) throws(Problem) -> [Section] {
        let tableOffset = try file.u64(0x28)
        let entrySize = try Int(file.u16(0x3a))
        var count = try UInt64(file.u16(0x3c))
        guard tableOffset != 0 else { throw Problem("has no section headers") }
        guard entrySize >= sectionHeaderSize else { throw Problem("has section headers of \(entrySize) bytes, not \(sectionHeaderSize)") }
        let table = try file.offset(tableOffset)
        if count == 0 { count = try file.u64(table + 32) }
        guard count > 0, count <= UInt64(file.bytes.count / entrySize) else { throw Problem("is truncated (its section headers end past the file's end)") }
        var sections: [Section] = []
        for index in 0..<Int(count) {
            let header = table + index * entrySize
            try sections.append(Section(type: file.u32(header + 4), address: file.u64(header + 16), offset: file.u64(header + 24),
                                        size: file.u64(header + 32), link: file.u32(header + 40), entrySize: file.u64(header + 56)))
        }
        return sections
    }

    /// Little-endian reads that throw `truncated` instead of reading past the end.
    struct Bytes {
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        static let truncated = Problem("is truncated (a table or symbol lies past the file's end)")

        /// A file offset as an index, when it is within the file.
        func offset(_ base: UInt64, plus delta: UInt64 = 0) throws(Problem) -> Int {
            let (sum, overflow) = base.addingReportingOverflow(delta)
            guard !overflow, sum <= UInt64(bytes.count) else { throw Self.truncated }
            return Int(sum)
        }

        func value(_ at: Int, _ width: Int) throws(Problem) -> UInt64 {
            guard at >= 0, at <= bytes.count - width else { throw Self.truncated }
            var result: UInt64 = 0
            for index in (0..<width).reversed() { result = result << 8 | UInt64(bytes[at + index]) }
            return result
        }

        func u16(_ at: Int) throws(Problem) -> UInt16 { try UInt16(value(at, 2)) }
        func u32(_ at: Int) throws(Problem) -> UInt32 { try UInt32(value(at, 4)) }
        func u64(_ at: Int) throws(Problem) -> UInt64 { try value(at, 8) }

        /// Whether the NUL-terminated string at `at` (ending before `limit`) is `wanted`.
        func isString(_ wanted: [UInt8], at: Int, limit: Int) throws(Problem) -> Bool {
            guard at + wanted.count < min(limit, bytes.count) else { return false }
            for (index, byte) in wanted.enumerated() where bytes[at + index] != byte { return false }
            return bytes[at + wanted.count] == 0
        }
    }
}
