import SeccompFilter
import Testing

/// Architectures covered, and libseccomp's syscall tables as the filter sees them.
struct ArchitectureTests {
    @Test func x86_64CoversItsCompatABIs() {
        #expect(Architecture.covered(native: .x86_64) == [.x86_64, .x86, .x32])
    }

    @Test func aarch64CoversArm() {
        #expect(Architecture.covered(native: .aarch64) == [.aarch64, .arm])
    }

    @Test func otherArchitecturesCoverOnlyThemselves() {
        let riscv = Architecture(name: "riscv64", token: 0xC000_00F3)
        #expect(Architecture.covered(native: riscv) == [riscv])
        #expect(Architecture.covered(native: .x86) == [.x86])
    }

    @Test func nativeIsKnownHere() {
        #expect([Architecture.x86_64, .aarch64].contains(Architecture.native))
        #expect(Architecture.covered(native: .native).first == .native)
    }

    /// Pins libseccomp's tables for the rules: a libseccomp upgrade that drops or renames a
    /// syscall, or a policy change, shows up here.
    @Test(arguments: [
        (Architecture.x86_64, 13, false),
        (Architecture.x32, 13, false),
        (Architecture.x86, 25, true),
        (Architecture.arm, 25, true),
        (Architecture.aarch64, 11, false),
    ])
    func rulesPerArchitecture(architecture: Architecture, count: Int, has16BitIDs: Bool) {
        let rules = FakeSuccessPolicy.rules(available: architecture.hasSyscall)
        #expect(rules.count == count)
        for rule in rules {
            #expect(architecture.hasSyscall(rule.syscall))
        }
        let setfsuid = rules.first { $0.syscall == "setfsuid" }
        #expect(setfsuid?.condition == .firstArgumentBelow(has16BitIDs ? 0xffff : 0xffff_ffff))
        #expect(rules.contains { $0.syscall == "setresuid32" } == has16BitIDs)
        #expect(rules.contains { $0.syscall == "fchownat" })
    }

    @Test func unknownNamesAreNotSyscalls() {
        #expect(!Architecture.x86_64.hasSyscall("chown32"))
        #expect(!Architecture.x86_64.hasSyscall("no_such_syscall"))
        #expect(Architecture.x86.hasSyscall("chown32"))
    }
}
