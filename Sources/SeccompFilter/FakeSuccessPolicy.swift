/// One rule of the fake-success filter on one architecture: `syscall` returns 0 without reaching
/// the kernel, always or only for some values of its first argument.
public struct FakeSuccessRule: Hashable, Sendable, CustomStringConvertible {
    public enum Condition: Hashable, Sendable {
        /// Every call returns 0 without effect.
        case always
        /// Calls whose first argument, as the kernel receives it, is below the limit return 0
        /// without effect; the others reach the kernel.
        case firstArgumentBelow(UInt64)
    }

    /// libseccomp's name of the syscall (`chown32`, `setfsuid`, ...).
    public let syscall: String
    public let condition: Condition

    public init(syscall: String, condition: Condition) {
        self.syscall = syscall
        self.condition = condition
    }

    public var description: String {
        switch condition {
        case .always:
            return syscall
        case .firstArgumentBelow(let limit):
            return "\(syscall) if arg0 < 0x\(String(limit, radix: 16))"
        }
    }
}

/// What the filter fakes (docs/design.md, "The seccomp filter"): ownership and identity changes succeed without effect, so that package
/// managers (apt's `_apt` sandbox, rpm's chown of installed files) work in a container whose
/// user namespace maps a single id.
///
/// Pure: the caller says which syscalls exist on the architecture (libseccomp's table), so the
/// same rules cover x86_64, x86, x32, aarch64, arm and any architecture added later.
public enum FakeSuccessPolicy {
    /// Ownership changes; `*32` are the 32-bit-id versions on x86 and arm, where the plain names
    /// are the legacy 16-bit-id syscalls (both are faked).
    public static let ownershipSyscalls = [
        "chown", "lchown", "fchown", "fchownat",
        "chown32", "lchown32", "fchown32",
    ]

    /// Credential changes; `*32` as above.
    public static let credentialSyscalls = [
        "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
        "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32", "setresgid32", "setgroups32",
    ]

    /// Filesystem-id changes. `setfsuid(-1)` changes nothing and returns the current fsuid —
    /// callers use it to check that a change took effect — so `-1` must reach the kernel.
    public static let filesystemIDSyscalls = ["setfsuid", "setfsgid", "setfsuid32", "setfsgid32"]

    /// Every syscall name the policy may fake, on some architecture.
    public static var syscalls: [String] {
        ownershipSyscalls + credentialSyscalls + filesystemIDSyscalls
    }

    /// The rules for an architecture, given which syscall names its table has.
    ///
    /// `setfsuid`/`setfsgid` are faked only for arguments below the id width's `-1`:
    /// `0xffffffff` for 32-bit ids, `0xffff` for the legacy 16-bit-id syscalls (the plain names
    /// on architectures that also have `setfsuid32`). The kernel reads only the id's width, so
    /// `-1` arrives as `0xffffffff` (zero-extended, as glibc passes it), `0xffffffffffffffff`
    /// (sign-extended, as Go passes it) or `0xffff` (16-bit); all of these, and every value above
    /// the limit, reach the kernel unchanged — the filter never answers a query.
    public static func rules(available: (String) -> Bool) -> [FakeSuccessRule] {
        var rules: [FakeSuccessRule] = []
        for name in ownershipSyscalls + credentialSyscalls where available(name) {
            rules.append(FakeSuccessRule(syscall: name, condition: .always))
        }
        for name in filesystemIDSyscalls where available(name) {
            let isLegacy16Bit = !name.hasSuffix("32") && available(name + "32")
            let minusOne: UInt64 = isLegacy16Bit ? 0xffff : 0xffff_ffff
            rules.append(FakeSuccessRule(syscall: name, condition: .firstArgumentBelow(minusOne)))
        }
        return rules
    }
}
