/// A small ELF64 shared object laid out as a linker lays one out, for the doctor's ELF reader:
/// the ELF header, .rodata (file offset 0x40, address 0x2000: the reader must map one to the
/// other), .dynstr, .dynsym, then the section headers: [0] null, [1] .dynsym, [2] .dynstr,
/// [3] .rodata, [4] .bss (no contents).
struct ELFImage {
    struct Symbol {
        var name: String
        var value: UInt64
        var size: UInt64 = 4
        var section: UInt16 = ELFImage.rodataSection
    }

    static let rodataSection: UInt16 = 3, bssSection: UInt16 = 4
    static let rodataAddress: UInt64 = 0x2000, bssAddress: UInt64 = 0x3000

    var symbols: [Symbol]
    var rodata: [UInt8]
    var elfClass: UInt8 = 2
    var byteOrder: UInt8 = 1
    var type: UInt16 = 3

    /// What SPANK_PLUGIN(pyxis, 1) defines: spank_plugin_version = 1, then plugin_version.
    static func plugin(version: UInt32) -> ELFImage {
        var rodata: [UInt8] = []
        rodata.append(le: UInt32(1))
        rodata.append(le: version)
        return ELFImage(symbols: [
            Symbol(name: "spank_plugin_version", value: rodataAddress),
            Symbol(name: "plugin_version", value: rodataAddress + 4),
        ], rodata: rodata)
    }

    var bytes: [UInt8] {
        var names: [UInt8] = [0]
        var nameOffsets: [UInt32] = []
        for symbol in symbols {
            nameOffsets.append(UInt32(names.count))
            names += Array(symbol.name.utf8) + [0]
        }
        let rodataOffset = 0x40
        let namesOffset = aligned(rodataOffset + rodata.count)
        let symbolsOffset = aligned(namesOffset + names.count)
        let symbolsSize = 24 * (symbols.count + 1)
        let headersOffset = aligned(symbolsOffset + symbolsSize)

        var file: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, elfClass, byteOrder, 1, 0] + [UInt8](repeating: 0, count: 8)
        file.append(le: type)
        file.append(le: UInt16(62))                 // e_machine: x86-64
        file.append(le: UInt32(1))                  // e_version
        file.append(le: UInt64(0))                  // e_entry
        file.append(le: UInt64(0))                  // e_phoff
        file.append(le: UInt64(headersOffset))      // e_shoff
        file.append(le: UInt32(0))                  // e_flags
        file.append(le: UInt16(64))                 // e_ehsize
        file.append(le: UInt16(56))                 // e_phentsize
        file.append(le: UInt16(0))                  // e_phnum
        file.append(le: UInt16(64))                 // e_shentsize
        file.append(le: UInt16(5))                  // e_shnum
        file.append(le: UInt16(0))                  // e_shstrndx
        file += rodata
        file.pad(to: namesOffset)
        file += names
        file.pad(to: symbolsOffset)
        file += [UInt8](repeating: 0, count: 24)   // the null symbol
        for (symbol, nameOffset) in zip(symbols, nameOffsets) {
            file.append(le: nameOffset)
            file += [0x11, 0]                       // STB_GLOBAL, STT_OBJECT; default visibility
            file.append(le: symbol.section)
            file.append(le: symbol.value)
            file.append(le: symbol.size)
        }
        file.pad(to: headersOffset)
        file += [UInt8](repeating: 0, count: 64)   // [0] null
        file.appendSection(type: 11, address: UInt64(symbolsOffset), offset: symbolsOffset, size: symbolsSize, link: 2, entrySize: 24)
        file.appendSection(type: 3, address: UInt64(namesOffset), offset: namesOffset, size: names.count)
        file.appendSection(type: 1, address: Self.rodataAddress, offset: rodataOffset, size: rodata.count)
        file.appendSection(type: 8, address: Self.bssAddress, offset: headersOffset, size: 16)
        return file
    }

    private func aligned(_ offset: Int) -> Int { (offset + 7) & ~7 }
}

extension [UInt8] {
    mutating func append<T: FixedWidthInteger>(le value: T) {
        for index in 0..<(T.bitWidth / 8) { append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func pad(to offset: Int) {
        append(contentsOf: [UInt8](repeating: 0, count: offset - count))
    }

    mutating func appendSection(type: UInt32, address: UInt64, offset: Int, size: Int, link: UInt32 = 0, entrySize: UInt64 = 0) {
        append(le: UInt32(0))                       // sh_name
        append(le: type)
        append(le: UInt64(2))                       // sh_flags: SHF_ALLOC
        append(le: address)
        append(le: UInt64(offset))
        append(le: UInt64(size))
        append(le: link)
        append(le: UInt32(0))                       // sh_info
        append(le: UInt64(8))                       // sh_addralign
        append(le: entrySize)
    }
}
