#if canImport(Glibc)
import Glibc
#endif

/// Every unprivileged task gets pyxis's seccomp filter (chown and set*id succeed without
/// effect, so package managers work without subordinate ids). The kernel must accept filters.
public enum SeccompCheck {
    public static let name = "seccomp"

    public struct Facts: Equatable, Sendable {
        /// errno of the probe: EFAULT means the kernel has seccomp filters.
        public var probeErrno: Int32

        public init(probeErrno: Int32) {
            self.probeErrno = probeErrno
        }
    }

    public static func gather(_ node: NodeProbe) -> Facts {
        Facts(probeErrno: node.seccompProbeErrno())
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        switch facts.probeErrno {
        case EFAULT:
            return .ok(name, "the kernel accepts seccomp filters")
        case EINVAL:
            return .failure(name, "the kernel has no seccomp filters (CONFIG_SECCOMP_FILTER): every unprivileged container task fails",
                            fix: "boot a kernel built with CONFIG_SECCOMP_FILTER=y (every distribution kernel is)")
        default:
            return .failure(name, "probing seccomp failed: \(describeErrno(facts.probeErrno)) (expected \(describeErrno(EFAULT)))",
                            fix: "run the doctor outside a seccomp sandbox that forbids prctl, or check the kernel")
        }
    }
}
