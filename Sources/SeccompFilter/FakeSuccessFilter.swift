import CSeccomp
import Glibc

/// The fake-success filter (docs/design.md, "The seccomp filter"), built with libseccomp and not yet loaded: ownership and identity syscalls
/// return 0 without effect on every covered architecture, everything else is allowed.
///
/// Building needs no privilege. Loading (`install`) needs either `no_new_privs` or
/// `CAP_SYS_ADMIN` in the caller's current user namespace; a loaded filter applies to the
/// calling thread and everything it later forks or execs, and cannot be removed.
///
///     try FakeSuccessFilter.install(setNoNewPrivs: false)   // plugin, after setns(user)
///
/// Uses only Glibc and libseccomp (no Foundation, no threads): it runs inside slurmstepd.
public struct FakeSuccessFilter: ~Copyable {
    /// What `install` did.
    public struct Installation: Equatable, Sendable {
        /// Loaded with `SECCOMP_FILTER_FLAG_SPEC_ALLOW`, so seccomp did not force the speculative
        /// store bypass mitigation on the task (kernels before 4.17 lack the flag).
        public let specAllow: Bool
        /// `no_new_privs` was set before loading.
        public let noNewPrivs: Bool
    }

    private let context: scmp_filter_ctx
    /// The architectures covered, native first.
    public let architectures: [Architecture]
    /// Rules added, over all architectures.
    public let ruleCount: Int

    /// Builds the filter for `architectures` (default: the native one and its compat ABIs).
    /// libseccomp takes the per-architecture syscall numbers from its own tables.
    public init(architectures: [Architecture] = Architecture.covered(native: .native)) throws(SeccompError) {
        guard let first = architectures.first else {
            throw .libseccomp(call: "building a filter for no architecture", errno: EINVAL)
        }
        // One context per architecture, merged: a rule's condition may differ per architecture
        // (16-bit setfsuid on x86/arm), and libseccomp applies a rule to every architecture of
        // its context.
        var (merged, count) = try Self.makeContext(for: first)
        for architecture in architectures.dropFirst() {
            let context: scmp_filter_ctx
            let added: Int
            do throws(SeccompError) {
                (context, added) = try Self.makeContext(for: architecture)
            } catch {
                seccomp_release(merged)
                throw error
            }
            // On success libseccomp frees `context`; on failure both are still ours.
            let rc = seccomp_merge(merged, context)
            if rc != 0 {
                seccomp_release(context)
                seccomp_release(merged)
                throw .libseccomp(call: "seccomp_merge(\(architecture))", errno: -rc)
            }
            count += added
        }
        context = merged
        self.architectures = architectures
        ruleCount = count
    }

    deinit {
        seccomp_release(context)
    }

    /// Builds the default filter and installs it in the calling thread. See `install(setNoNewPrivs:)`.
    @discardableResult
    public static func install(setNoNewPrivs: Bool) throws(SeccompError) -> Installation {
        try FakeSuccessFilter().install(setNoNewPrivs: setNoNewPrivs)
    }

    /// Loads the filter into the kernel for the calling thread (`seccomp_load`).
    ///
    /// - `setNoNewPrivs: true` sets `no_new_privs` first, which lets an unprivileged process
    ///   install it, but also stops setuid/file-capability programs from gaining privileges
    ///   for the rest of the process tree (what `pyxis-seccomp-exec` does by default).
    /// - `setNoNewPrivs: false` leaves setuid programs working, but the caller must hold
    ///   `CAP_SYS_ADMIN` in its current user namespace, otherwise the kernel answers `EACCES`.
    ///   The plugin uses this: each task installs the filter after `setns` into the container's
    ///   user namespace, where it holds all capabilities.
    ///
    /// Requests `SECCOMP_FILTER_FLAG_SPEC_ALLOW` and retries without it when the kernel rejects
    /// the flag (`EINVAL`, before 4.17).
    @discardableResult
    public consuming func install(setNoNewPrivs: Bool) throws(SeccompError) -> Installation {
        try Self.check(seccomp_attr_set(context, SCMP_FLTATR_CTL_NNP, setNoNewPrivs ? 1 : 0),
                       "seccomp_attr_set(SCMP_FLTATR_CTL_NNP)")
        // Report the kernel's errno (EACCES, EINVAL) rather than libseccomp's generic ECANCELED.
        _ = seccomp_attr_set(context, SCMP_FLTATR_API_SYSRAWRC, 1)
        // Without SPEC_ALLOW, seccomp turns on the SSB mitigation for the task on kernels
        // booted with spec_store_bypass_disable=seccomp (the default), slowing it down.
        var specAllow = seccomp_attr_set(context, SCMP_FLTATR_CTL_SSB, 1) == 0
        var rc = seccomp_load(context)
        if rc == -EINVAL && specAllow {
            specAllow = false
            _ = seccomp_attr_set(context, SCMP_FLTATR_CTL_SSB, 0)
            rc = seccomp_load(context)
        }
        guard rc == 0 else { throw .load(errno: -rc, noNewPrivs: setNoNewPrivs) }
        return Installation(specAllow: specAllow, noNewPrivs: setNoNewPrivs)
    }

    /// libseccomp's human-readable pseudo filter code (`seccomp_export_pfc`), for inspection.
    public func pseudoFilterCode() throws(SeccompError) -> String {
        let bytes = try export("seccomp_export_pfc") { seccomp_export_pfc(context, $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The size of the BPF program the kernel would run (`seccomp_export_bpf`), in instructions.
    public func bpfInstructionCount() throws(SeccompError) -> Int {
        // struct sock_filter: u16 code, u8 jt, u8 jf, u32 k.
        try export("seccomp_export_bpf") { seccomp_export_bpf(context, $0) }.count / 8
    }

    // MARK: - Building

    /// A context for one architecture with its rules; the caller owns (releases) it.
    private static func makeContext(for architecture: Architecture) throws(SeccompError) -> (scmp_filter_ctx, Int) {
        guard let context = cseccomp_init_allow() else {
            throw .libseccomp(call: "seccomp_init", errno: ENOMEM)
        }
        do throws(SeccompError) {
            let count = try addRules(to: context, for: architecture)
            return (context, count)
        } catch {
            seccomp_release(context)
            throw error
        }
    }

    private static func addRules(to context: scmp_filter_ctx, for architecture: Architecture) throws(SeccompError) -> Int {
        // A syscall from an ABI the filter does not cover must behave as without the filter,
        // not kill the process (libseccomp's default).
        try check(seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, CSECCOMP_ACT_ALLOW),
                  "seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH)")
        let native = seccomp_arch_native()
        if architecture.token != native {
            try check(seccomp_arch_add(context, architecture.token), "seccomp_arch_add(\(architecture))")
            try check(seccomp_arch_remove(context, native), "seccomp_arch_remove(native)")
        }
        let rules = FakeSuccessPolicy.rules(available: architecture.hasSyscall)
        for rule in rules {
            // rule_add takes the native (or pseudo) number and translates it by name.
            let number = seccomp_syscall_resolve_name(rule.syscall)
            guard number != __NR_SCMP_ERROR else {
                throw .unknownSyscall(name: rule.syscall, architecture: architecture.name)
            }
            let rc: Int32
            switch rule.condition {
            case .always:
                rc = cseccomp_rule_fake_success(context, number)
            case .firstArgumentBelow(let limit):
                rc = cseccomp_rule_fake_success_if_arg0_below(context, number, limit)
            }
            try check(rc, "seccomp_rule_add_array(\(rule.syscall), \(architecture))")
        }
        return rules.count
    }

    private static func check(_ rc: Int32, _ call: @autoclosure () -> String) throws(SeccompError) {
        if rc != 0 { throw .libseccomp(call: call(), errno: -rc) }
    }

    // MARK: - Exporting

    /// Runs an export into an anonymous memory file and returns what it wrote.
    private func export(_ call: String, _ body: (Int32) -> Int32) throws(SeccompError) -> [UInt8] {
        let fd = cseccomp_memfd("pyxis-seccomp-export")
        guard fd >= 0 else { throw .libseccomp(call: "memfd_create for \(call)", errno: Glibc.errno) }
        defer { close(fd) }
        let rc = body(fd)
        guard rc == 0 else { throw .libseccomp(call: call, errno: -rc) }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw .libseccomp(call: "lseek after \(call)", errno: Glibc.errno) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && Glibc.errno == EINTR { continue }
            guard n >= 0 else { throw .libseccomp(call: "read after \(call)", errno: Glibc.errno) }
            if n == 0 { return bytes }
            bytes += buffer[0..<n]
        }
    }
}
