import Glibc
import Testing
@testable import PyxisCore

@Suite struct EnrootStartConfigTests {
    @Test func rendersMountsEnvironAndHooks() throws {
        let config = EnrootStartConfig(
            mounts: try MountSpec.parseList("/data:/data:ro,tmpfs:/scratch,/my dir:/in"),
            runEntrypoint: false,
            environment: [("LANG", "C.UTF-8"), ("QUOTE", "it's $(reboot)")])
        #expect(try config.render() == """
            # Written by pyxis for enroot start --conf.
            mounts() {
                printf '%s\\n' '/data /data none x-create=auto,rbind,ro'
                printf '%s\\n' 'tmpfs /scratch tmpfs x-create=dir'
                printf '%s\\n' '/my\\040dir /in none x-create=auto,rbind'
            }
            environ() {
                printf '%s\\n' 'LANG=C.UTF-8'
                printf '%s\\n' 'QUOTE=it'\\''s $(reboot)'
            }
            hooks() {
                printf '%s\\n' 'exec "$@"' > "${ENROOT_ROOTFS}/etc/rc.local"
            }

            """)
    }

    @Test func entrypointOnAndNothingElseIsJustTheComment() throws {
        let config = EnrootStartConfig(mounts: [], runEntrypoint: true, environment: [])
        #expect(try config.render() == "# Written by pyxis for enroot start --conf.\n")
    }

    @Test func quotedValuesKeepTheirQuotesAndBadNamesAreRefused() throws {
        let config = EnrootStartConfig(mounts: [], runEntrypoint: true, environment: [("Q", "\"x\"")])
        #expect(try config.render().contains("printf '%s\\n' 'Q=\"\"x\"\"'\n"))
        let bad = EnrootStartConfig(mounts: [], runEntrypoint: true, environment: [("1X", "v")])
        #expect(throws: PyxisError.self) { try bad.render() }
    }

    @Test func aNewlineInAnEnvironmentValueIsRefused() {
        let config = EnrootStartConfig(mounts: [], runEntrypoint: true, environment: [("X", "a\nENROOT_ROOTFS=/")])
        #expect(throws: PyxisError("--container-env: the value of X contains a newline, which the container's environment file cannot hold")) {
            try config.render()
        }
    }

    @Test(arguments: ["plain", "it's", "'", "a'b'c", "$(id)`id`\"\\", "", "two words", "; echo injected"])
    func shellQuotingRoundTripsThroughTheShell(word: String) throws {
        // popen runs /bin/sh -c: the quoted word must come back exactly, as one argument.
        let pipe = try #require(popen("printf '%s|' " + ShellQuoting.quote(word), "r"))
        var output: [UInt8] = []
        while case let byte = fgetc(pipe), byte != EOF {
            output.append(UInt8(byte))
        }
        #expect(pclose(pipe) == 0)
        #expect(String(decoding: output, as: UTF8.self) == word + "|")
    }
}

@Suite struct EnrootListingTests {
    @Test func parsesStoppedAndRunningContainers() throws {
        let listing = try EnrootListing(parsing: """
            NAME         PID    COMM   STATE  STARTED  TIME   MNTNS       USERNS      COMMAND
            pyxis_demo   23841  sleep  S      14:31    00:02  4026532181  4026532180  sleep 5
            pyxis_idle\u{20}\u{20}\u{20}
            pyxis_demo   23900  sh     S      14:31    00:02  4026532181  4026532180  sh
            """)
        #expect(listing.contains("pyxis_demo"))
        #expect(listing.runningPID(of: "pyxis_demo") == 23841)
        #expect(listing.contains("pyxis_idle"))
        #expect(listing.runningPID(of: "pyxis_idle") == nil)
        #expect(!listing.contains("pyxis_other"))
    }

    @Test func emptyOutputMeansNoContainers() throws {
        #expect(try EnrootListing(parsing: "").containers.isEmpty)
        #expect(try EnrootListing(parsing: "NAME PID COMM STATE STARTED TIME MNTNS USERNS COMMAND\n").containers.isEmpty)
    }

    @Test func malformedOutputIsAnError() {
        #expect(throws: PyxisError.self) { try EnrootListing(parsing: "pyxis_a\n") }
        #expect(throws: PyxisError.self) { try EnrootListing(parsing: "NAME PID\npyxis_a notapid\n") }
    }

    @Test(arguments: [
        (String?.none, PluginConfig.ContainerScope.global, "pyxis_42.3"),
        (nil, .job, "pyxis_42_42.3"),
        ("train", .global, "pyxis_train"),
        ("train", .job, "pyxis_42_train"),
    ])
    func containerNames(name: String?, scope: PluginConfig.ContainerScope, expected: String) throws {
        let parsed = try name.map { (text) throws(PyxisError) in try ContainerName(parsing: text) }
        let step = StepInfo(uid: 1000, gid: 1000, groups: [], jobID: 42, stepID: 3, localTaskCount: 1,
                            totalTaskCount: 1, workingDirectory: nil, privileged: false)
        #expect(EnrootContainerName.make(name: parsed, scope: scope, step: step) == expected)
    }
}

@Suite struct EnrootEnvironmentTests {
    @Test func dropsDeniedVariablesAndAddsSettings() {
        let environment = EnrootEnvironment.build(
            path: "/usr/bin:/bin",
            job: [("PATH", "/home/u/bin"), ("HOME", "/home/u"), ("LD_PRELOAD", "evil.so"), ("SLURM_PROCID", "3"),
                  ("ENROOT_DATA_PATH", "/tmp/x"), ("SLURM_JOB_ID", "42"), ("ENROOT_REMAP_ROOT", "y")],
            additions: [("ENROOT_REMAP_ROOT", "n"), ("PYXIS_VERSION", "0.1")])
        #expect(environment == ["PATH=/usr/bin:/bin", "HOME=/home/u", "SLURM_JOB_ID=42", "ENROOT_REMAP_ROOT=n", "PYXIS_VERSION=0.1"])
    }

    /// The first task's rank must not reach the PMI hook, which copies PMI_* into the container.
    @Test func dropsTheTaskIdentity() {
        let environment = EnrootEnvironment.build(
            path: "/bin",
            job: [("PMI_RANK", "0"), ("PMI_SIZE", "4"), ("PMI_FD", "5"), ("PMIX_RANK", "0"), ("SLURM_LOCALID", "0")],
            additions: [])
        #expect(environment == ["PATH=/bin", "PMI_SIZE=4"])
    }

    @Test func switchesFollowTheOptions() {
        var options = ContainerOptions()
        options.mountHome = false
        options.remapRoot = true
        options.unshare = [.net, .uts]
        #expect(EnrootEnvironment.switches(for: options).map { "\($0.0)=\($0.1)" } == [
            "ENROOT_MOUNT_HOME=n", "ENROOT_REMAP_ROOT=y", "ENROOT_UNSHARE_NET=y", "ENROOT_UNSHARE_UTS=y",
        ])
    }
}
