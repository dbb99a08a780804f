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
        let file = "NVIDIA_VISIBLE_DEVICES=all\nNVIDIA_VISIBLE_DEVICESX=1\nNVIDIA_VISIBLE_DEVICES=void\n"
        #expect(VisibleDevices.nvidia.value(processValue: nil, environFile: file) == "void")
        #expect(VisibleDevices.nvidia.value(processValue: "", environFile: file) == "")
        #expect(VisibleDevices.mellanox.value(processValue: nil, environFile: file) == nil)
    }

    @Test func commandsAndSearchPath() {
        #expect(VisibleDevices.nvidia.requiredCommands == ["grep", "ldconfig"])
        #expect(VisibleDevices.nvidia.pathSuffix(rootfs: "/r").last == "/r/usr/local/bin")
        #expect(VisibleDevices.mellanox.requiredCommands == ["grep", "awk", "ldd", "ldconfig"])
    }
}
