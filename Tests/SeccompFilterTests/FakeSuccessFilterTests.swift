import Glibc
@testable import SeccompFilter
import Testing

/// Building (not loading) the filter; loading is tested in SeccompExecTests and
/// Tests/Integration/seccomp, never in this process.
struct FakeSuccessFilterTests {
    @Test func defaultFilterCoversNativeAndCompatArchitectures() throws {
        let filter = try FakeSuccessFilter()
        #expect(filter.architectures == Architecture.covered(native: .native))
        let expected = filter.architectures.map { FakeSuccessPolicy.rules(available: $0.hasSyscall).count }
        #expect(filter.ruleCount == expected.reduce(0, +))
    }

    @Test func pseudoCodeShowsEachArchitectureAndTheSetfsuidConditions() throws {
        let code = try FakeSuccessFilter(architectures: [.x86_64, .x86, .x32]).pseudoFilterCode()
        #expect(code.contains("filter for arch x86_64"))
        #expect(code.contains("filter for arch x86 "))
        #expect(code.contains("filter for arch x32"))
        #expect(code.contains("\"setresuid32\""))
        #expect(code.contains("\"chown32\""))
        #expect(code.contains("$a0 >= 65535"))  // 16-bit setfsuid on x86
        #expect(code.contains("$a0.lo32 >= 4294967295"))  // 32-bit ids on x86_64
        #expect(code.contains("action ERRNO(0);"))
        // Unknown ABIs are allowed, not killed.
        #expect(code.contains("# invalid architecture action\naction ALLOW;"))
    }

    @Test func foreignArchitecturesBuildToo() throws {
        let code = try FakeSuccessFilter(architectures: [.aarch64, .arm]).pseudoFilterCode()
        #expect(code.contains("filter for arch aarch64"))
        #expect(code.contains("filter for arch arm"))
    }

    @Test func bpfProgramIsSmall() throws {
        let count = try FakeSuccessFilter().bpfInstructionCount()
        #expect(count > 20)
        #expect(count < 200)  // the kernel's limit is 4096; this is what every syscall may walk
    }

    @Test func noArchitectureIsAnError() {
        #expect(throws: SeccompError.self) { _ = try FakeSuccessFilter(architectures: []) }
    }

    @Test func duplicateArchitectureReportsTheFailedMerge() {
        do {
            _ = try FakeSuccessFilter(architectures: [.x86_64, .x86_64])
            Issue.record("merging a filter with itself should fail")
        } catch {
            #expect(error.description.hasPrefix("seccomp_merge(x86_64) failed: "))
            #expect(error.errno != 0)
        }
    }

    @Test func errorsNameTheCallAndTheErrno() {
        let rule = SeccompError.libseccomp(call: "seccomp_rule_add_array(setuid32, x86)", errno: EFAULT)
        #expect(rule.description == "seccomp_rule_add_array(setuid32, x86) failed: Bad address (errno 14)")
        #expect(rule.errno == EFAULT)

        let withoutNNP = SeccompError.load(errno: EACCES, noNewPrivs: false)
        #expect(withoutNNP.description.hasPrefix("seccomp_load failed: Permission denied (errno 13)"))
        #expect(withoutNNP.description.contains("CAP_SYS_ADMIN in the current user namespace"))
        #expect(!SeccompError.load(errno: EINVAL, noNewPrivs: true).description.contains("CAP_SYS_ADMIN"))

        let unknown = SeccompError.unknownSyscall(name: "chown64", architecture: "x86")
        #expect(unknown.description == "libseccomp cannot resolve syscall 'chown64' for architecture x86")
        #expect(unknown.errno == EINVAL)
    }
}
