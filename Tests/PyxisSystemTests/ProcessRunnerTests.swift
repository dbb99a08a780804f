import Glibc
import Testing
@testable import PyxisSystem

@Suite struct ProcessRunnerTests {
    @Test func capturesOutputAndLogSeparately() throws {
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"],
            environment: ["PATH=/usr/bin:/bin"], identity: .inherited, captureOutput: true)
        #expect(result.termination == .exited(3))
        #expect(result.output == "out\n")
        #expect(result.log == "err\n")
        #expect(!result.succeeded)
    }

    @Test func logHoldsBothStreamsWhenOutputIsNotCaptured() throws {
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "echo one; echo two >&2"],
            environment: [], identity: .inherited)
        #expect(result.succeeded)
        #expect(result.logLines == ["one", "two"])
    }

    @Test func childGetsOnlyTheGivenEnvironmentAndDevNullAsStdin() throws {
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "env | sort; cat; echo end"],
            environment: ["A=1", "B=two words"], identity: .inherited, captureOutput: true)
        #expect(result.output.contains("A=1\nB=two words\n"))
        #expect(!result.output.contains("HOME="))
        #expect(result.output.hasSuffix("end\n"))
    }

    @Test func closesEveryOtherDescriptor() throws {
        let fd = open("/dev/null", O_RDONLY)  // deliberately not close-on-exec
        defer { close(fd) }
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "ls /proc/self/fd"], environment: [], identity: .inherited,
            captureOutput: true)
        let open = result.output.split(separator: "\n").compactMap { Int($0) }.filter { $0 > 2 }
        // Only the descriptor ls itself opens to read the directory may remain.
        #expect(open.count <= 1, "\(open)")
    }

    @Test func resetsOomScoreAdj() throws {
        let result = try ProcessRunner.run(
            "/bin/cat", arguments: ["/proc/self/oom_score_adj"], environment: [], identity: .inherited,
            captureOutput: true)
        #expect(result.output == "0\n")
    }

    @Test func workingDirectory() throws {
        let result = try ProcessRunner.run(
            "/bin/pwd", arguments: [], environment: [], identity: .inherited, captureOutput: true,
            workingDirectory: "/tmp")
        #expect(result.output == "/tmp\n")
    }

    @Test func reportsSignals() throws {
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "kill -TERM $$"], environment: [], identity: .inherited)
        #expect(result.termination == .signaled(SIGTERM))
    }

    @Test func execFailureIsAnErrorNamingTheStep() {
        #expect(throws: SystemError("cannot run /no/such/enroot: execve", errno: ENOENT)) {
            try ProcessRunner.run("/no/such/enroot", arguments: [], environment: [], identity: .inherited)
        }
        #expect(throws: SystemError("cannot run /bin/true: chdir", errno: ENOENT)) {
            try ProcessRunner.run("/bin/true", arguments: [], environment: [], identity: .inherited,
                                  workingDirectory: "/no/such/dir")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to change identity"))
    func dropsGroupsGidAndUidForGood() throws {
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "id -u; id -g; id -G; cat /proc/self/status | grep -E '^(Uid|Gid):'"],
            environment: ["PATH=/usr/bin:/bin"],
            identity: ProcessIdentity(uid: 65534, gid: 65534, groups: [65533, 65534]),
            captureOutput: true)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["65534", "65534", "65534 65533"] || lines.prefix(3) == ["65534", "65534", "65533 65534"])
        #expect(lines.dropFirst(3).allSatisfy { $0.split(whereSeparator: { $0 == "\t" }).dropFirst().allSatisfy { $0 == "65534" } })
    }

    @Test func aHeartbeatRunsWhileTheChildDoes() throws {
        var beats = 0
        let result = try ProcessRunner.run("/bin/sleep", arguments: ["2.2"], environment: [], identity: .inherited,
                                           heartbeatSeconds: 1, heartbeat: { beats += 1 })
        #expect(result.succeeded)
        #expect((1...2).contains(beats))   // counted in 50 ms sleeps, which a busy machine stretches
    }

    /// The pids a shell wrote, one per line, into `file`.
    private func pids(in file: String) -> [pid_t] {
        (FileReading.contents(of: file, limit: 4096)).map { String(decoding: $0, as: UTF8.self) }?
            .split(separator: "\n").compactMap { pid_t($0) } ?? []
    }

    private func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    @Test func aTimeLimitStopsTheChildAndWhatItStarted() throws {
        let file = "/tmp/pyxis-runner-\(getpid())-tree"
        defer { unlink(file) }
        let started = monotonicSeconds()
        // sh starts a subshell that starts sleep: two levels below the child.
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "(sleep 60 & echo $! >> \(file); wait) & echo $! >> \(file); wait"],
            environment: ["PATH=/usr/bin:/bin"], identity: .inherited, timeLimitSeconds: 1)
        #expect(result.timedOut)
        #expect(!result.succeeded)
        #expect(monotonicSeconds() - started < 4)
        let started2 = pids(in: file)
        #expect(started2.count == 2)
        for pid in started2 {
            for _ in 0..<100 where ProcessLiveness.isAlive(pid) { usleep(10_000) }
            #expect(!ProcessLiveness.isAlive(pid), "process \(pid) outlived the time limit")
        }
    }

    @Test func aChildThatIgnoresSIGTERMIsKilled() throws {
        let file = "/tmp/pyxis-runner-\(getpid())-stubborn"
        defer { unlink(file) }
        let started = monotonicSeconds()
        let result = try ProcessRunner.run(
            "/bin/sh", arguments: ["-c", "trap '' TERM; sleep 60 & echo $! >> \(file); wait"],
            environment: ["PATH=/usr/bin:/bin"], identity: .inherited, timeLimitSeconds: 1)
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGKILL))
        #expect((5..<10).contains(monotonicSeconds() - started))
        for pid in pids(in: file) {
            for _ in 0..<100 where ProcessLiveness.isAlive(pid) { usleep(10_000) }
            #expect(!ProcessLiveness.isAlive(pid))
        }
    }

    @Test func aChildWithinItsTimeLimitIsLeftAlone() throws {
        let result = try ProcessRunner.run("/bin/sh", arguments: ["-c", "sleep 0.2"], environment: ["PATH=/usr/bin:/bin"],
                                           identity: .inherited, timeLimitSeconds: 5)
        #expect(result.succeeded)
        #expect(!result.timedOut)
    }
}
