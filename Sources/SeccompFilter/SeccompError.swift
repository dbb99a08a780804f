import Glibc

/// Why building or installing the filter failed. Carries the `errno` and names what failed.
public enum SeccompError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A libseccomp call made while building the filter failed; `call` names the call and its
    /// subject, e.g. `seccomp_rule_add_array(setuid32, x86)`.
    case libseccomp(call: String, errno: Int32)
    /// libseccomp has no number for a syscall its table listed for the architecture.
    case unknownSyscall(name: String, architecture: String)
    /// The kernel refused the filter (`seccomp_load`).
    case load(errno: Int32, noNewPrivs: Bool)

    /// The error number (`EINVAL` for an unknown syscall).
    public var errno: Int32 {
        switch self {
        case .libseccomp(_, let errno), .load(let errno, _): return errno
        case .unknownSyscall: return EINVAL
        }
    }

    public var description: String {
        switch self {
        case .libseccomp(let call, let errno):
            return "\(call) failed: \(Self.describe(errno))"
        case .unknownSyscall(let name, let architecture):
            return "libseccomp cannot resolve syscall '\(name)' for architecture \(architecture)"
        case .load(let errno, let noNewPrivs):
            var text = "seccomp_load failed: \(Self.describe(errno))"
            if errno == EACCES && !noNewPrivs {
                text += "; without no_new_privs, installing a filter needs CAP_SYS_ADMIN in the current user namespace"
            }
            return text
        }
    }

    static func describe(_ errno: Int32) -> String {
        guard let message = strerror(errno) else { return "errno \(errno)" }
        return "\(String(cString: message)) (errno \(errno))"
    }
}
