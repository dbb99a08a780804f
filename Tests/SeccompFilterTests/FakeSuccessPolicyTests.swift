import SeccompFilter
import Testing

/// The pure rule table: which syscalls are faked, and how `setfsuid`/`setfsgid` keep `-1`.
struct FakeSuccessPolicyTests {
    static let x86_64Names: Set<String> = [
        "chown", "lchown", "fchown", "fchownat", "setuid", "setgid", "setreuid", "setregid",
        "setresuid", "setresgid", "setgroups", "setfsuid", "setfsgid",
    ]
    static let x86Names: Set<String> = x86_64Names.union([
        "chown32", "lchown32", "fchown32", "setuid32", "setgid32", "setreuid32", "setregid32",
        "setresuid32", "setresgid32", "setgroups32", "setfsuid32", "setfsgid32",
    ])
    static let aarch64Names: Set<String> = x86_64Names.subtracting(["chown", "lchown"])

    @Test func sixtyFourBitArchitectureFakesEveryListedCallAndKeepsMinusOneOf32BitIDs() {
        let rules = FakeSuccessPolicy.rules(available: Self.x86_64Names.contains)
        #expect(Set(rules.map(\.syscall)) == Self.x86_64Names)
        #expect(rules.contains(FakeSuccessRule(syscall: "setfsuid", condition: .firstArgumentBelow(0xffff_ffff))))
        #expect(rules.contains(FakeSuccessRule(syscall: "setfsgid", condition: .firstArgumentBelow(0xffff_ffff))))
        #expect(rules.filter { $0.condition == .always }.count == 11)
    }

    @Test func legacy16BitSetfsuidKeepsMinusOneOf16BitIDs() {
        let rules = FakeSuccessPolicy.rules(available: Self.x86Names.contains)
        #expect(rules.count == 25)
        #expect(rules.contains(FakeSuccessRule(syscall: "setfsuid", condition: .firstArgumentBelow(0xffff))))
        #expect(rules.contains(FakeSuccessRule(syscall: "setfsgid", condition: .firstArgumentBelow(0xffff))))
        #expect(rules.contains(FakeSuccessRule(syscall: "setfsuid32", condition: .firstArgumentBelow(0xffff_ffff))))
        #expect(rules.contains(FakeSuccessRule(syscall: "chown32", condition: .always)))
        #expect(rules.contains(FakeSuccessRule(syscall: "chown", condition: .always)))
    }

    @Test func missingSyscallsAreSkipped() {
        #expect(FakeSuccessPolicy.rules(available: { _ in false }).isEmpty)
        let rules = FakeSuccessPolicy.rules(available: Self.aarch64Names.contains)
        #expect(!rules.contains { $0.syscall == "chown" || $0.syscall == "lchown" })
        #expect(rules.count == 11)
    }

    @Test func everySpecSyscallIsListed() {
        let spec = ["chown", "lchown", "fchown", "fchownat", "setuid", "setgid", "setreuid",
                    "setregid", "setresuid", "setresgid", "setgroups", "setfsuid", "setfsgid"]
        for name in spec {
            #expect(FakeSuccessPolicy.syscalls.contains(name))
            if name != "fchownat" {
                #expect(FakeSuccessPolicy.syscalls.contains(name + "32"), "\(name)32")
            }
        }
        #expect(Set(FakeSuccessPolicy.syscalls).count == FakeSuccessPolicy.syscalls.count)
    }

    @Test(arguments: [
        (FakeSuccessRule(syscall: "chown", condition: .always), "chown"),
        (FakeSuccessRule(syscall: "setfsuid", condition: .firstArgumentBelow(0xffff)), "setfsuid if arg0 < 0xffff"),
    ])
    func ruleDescription(rule: FakeSuccessRule, text: String) {
        #expect(rule.description == text)
    }
}
