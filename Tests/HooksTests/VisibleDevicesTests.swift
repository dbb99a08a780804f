import StandardHooks
import Testing

/// 98-nvidia / 99-mellanox: the decision the scripts take before doing anything.
struct VisibleDevicesTests {
    @Test(arguments: [
        (VisibleDevices.nvidia, nil, false), (.nvidia, "", false), (.nvidia, "void", false),
        (.nvidia, "none", true), (.nvidia, "all", true), (.nvidia, "0,1", true),
        (.mellanox, nil, false), (.mellanox, "none", false), (.mellanox, "void", false), (.mellanox, "all", true),
    ] as [(VisibleDevices, String?, Bool)])
    func work(_ devices: VisibleDevices, _ value: String?, _ expected: Bool) {
        #expect(devices.hasWork(value) == expected)
    }

    @Test func processEnvironmentWinsElseTheLastLineOfTheFile() {
        let file = Array("NVIDIA_VISIBLE_DEVICES=all\nNVIDIA_VISIBLE_DEVICESX=1\nNVIDIA_VISIBLE_DEVICES=void\n".utf8)
        #expect(VisibleDevices.nvidia.value(processValue: nil, environ: file) == "void")
        #expect(VisibleDevices.nvidia.value(processValue: "", environ: file) == "")
        #expect(VisibleDevices.mellanox.value(processValue: nil, environ: file) == nil)
    }

    /// What bash's `read` makes of each file (checked against bash in the parity suite).
    @Test(arguments: [
        ("FOO=1\r\nNVIDIA_VISIBLE_DEVICES=all\n", "all"),          // a CRLF line before: still a line of its own
        ("NVIDIA_VISIBLE_DEVICES=void\r\n", "void\r"),             // the CR stays in the value: GPUs asked for
        ("NVIDIA_VISIBLE_DEVICES=all\nFOO=1", nil),                  // glued by tac: FOO=1NVIDIA_...
        ("FOO=1\nNVIDIA_VISIBLE_DEVICES=all", "allFOO=1"),
        ("NVIDIA_VISIBLE_DEVICES=all", "all"),                        // alone: grep ends the line
        ("NVIDIA_VISIBLE_DEVICES=void=\n", "void"),
        ("NVIDIA_VISIBLE_DEVICES=a==\n", "a=="),
        ("NVIDIA_VISIBLE_DEVICES\n", ""),
        ("FOO=\u{0}\nNVIDIA_VISIBLE_DEVICES=all\n", nil),           // a NUL: grep finds a binary file
    ] as [(String, String?)])
    func linesAsBashReadsThem(file: String, expected: String?) {
        #expect(VisibleDevices.nvidia.value(processValue: nil, environ: Array(file.utf8)) == expected)
    }

    @Test func bytesThatAreNotUTF8AreKeptOrMakeABinaryFile() {
        let file: [UInt8] = Array("NVIDIA_VISIBLE_DEVICES=".utf8) + [0xE9, 0x0A]
        #expect(VisibleDevices.nvidia.hasWork(VisibleDevices.nvidia.value(processValue: nil, environ: file)))
        #expect(VisibleDevices.nvidia.value(processValue: nil, environ: file, utf8Locale: true) == nil)
        #expect(ReadLines.isUTF8Locale { ["LANG": "en_US.UTF-8"][$0] })
        #expect(!ReadLines.isUTF8Locale { ["LC_ALL": "C", "LANG": "en_US.UTF-8"][$0] })
        #expect(!ReadLines.isUTF8Locale { _ in nil })
    }

    @Test func commandsAndSearchPath() {
        #expect(VisibleDevices.nvidia.requiredCommands == ["grep", "ldconfig"])
        #expect(VisibleDevices.nvidia.pathSuffix(rootfs: "/r").last == "/r/usr/local/bin")
        #expect(VisibleDevices.mellanox.requiredCommands == ["grep", "awk", "ldd", "ldconfig"])
    }
}
