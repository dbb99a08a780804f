import CSeccomp

/// A syscall ABI the filter covers, named as libseccomp names it.
public struct Architecture: Hashable, Sendable, CustomStringConvertible {
    /// libseccomp's name (`x86_64`, `x86`, `x32`, `aarch64`, `arm`, ...).
    public let name: String
    /// libseccomp's token: the kernel's `AUDIT_ARCH_*` value.
    public let token: UInt32

    public init(name: String, token: UInt32) {
        self.name = name
        self.token = token
    }

    public var description: String { name }

    public static let x86_64 = Architecture(name: "x86_64", token: CSECCOMP_ARCH_X86_64)
    public static let x86 = Architecture(name: "x86", token: CSECCOMP_ARCH_X86)
    public static let x32 = Architecture(name: "x32", token: CSECCOMP_ARCH_X32)
    public static let aarch64 = Architecture(name: "aarch64", token: CSECCOMP_ARCH_AARCH64)
    public static let arm = Architecture(name: "arm", token: CSECCOMP_ARCH_ARM)

    /// The architectures a filter must cover when `native` is the kernel's: the native one
    /// first, then the compat ABIs such a kernel can run. A 64-bit process can switch to them
    /// (`int 0x80`, a 32-bit binary), so leaving them out would let 32-bit programs bypass the
    /// filter — which is what pyxis's hand-written filter does.
    ///
    /// x32 is included even where the kernel lacks `CONFIG_X86_X32_ABI`: those rules then never
    /// match, and cost one comparison on the x86_64 path.
    public static func covered(native: Architecture) -> [Architecture] {
        switch native {
        case .x86_64: return [.x86_64, .x86, .x32]
        case .aarch64: return [.aarch64, .arm]
        default: return [native]
        }
    }

    /// The architecture of this process, as libseccomp sees it (`seccomp_arch_native`).
    public static var native: Architecture {
        let token = seccomp_arch_native()
        for known in [Architecture.x86_64, .x86, .x32, .aarch64, .arm] where known.token == token {
            return known
        }
        return Architecture(name: "native(0x\(String(token, radix: 16)))", token: token)
    }

    /// Whether libseccomp's table for this architecture has `syscall`
    /// (`seccomp_syscall_resolve_name_arch`; missing ones resolve to negative pseudo numbers).
    public func hasSyscall(_ syscall: String) -> Bool {
        seccomp_syscall_resolve_name_arch(token, syscall) >= 0
    }
}
