import Glibc
import Testing

/// Contract tests: each built hook runs as enroot would run it, and the exact lines it appends
/// (or the exact error it prints) are checked.
enum Steps {
    /// Variables that are in every hook's environment and must not leak into what it writes.
    static let base: [(String, String)] = [
        ("PATH", "/usr/bin:/bin"), ("HOME", "/home/alice"), ("USER", "alice"), ("LANG", "C.UTF-8"),
        ("PYXIS_HOOKS_CONFIG", ""),
    ]

    static let singleNode: [(String, String)] = base + [
        ("SLURM_JOB_ID", "4242"), ("SLURM_STEP_ID", "0"), ("SLURM_STEP_NODELIST", "node007"),
        ("SLURM_JOB_NODELIST", "node007"), ("SLURM_NTASKS", "1"), ("SLURM_NNODES", "1"),
        ("SLURM_NODEID", "0"), ("SLURM_TASKS_PER_NODE", "1"),
    ]

    /// Node 2 of a 4-node, 16-task step inside an 8-node job.
    static let multiNode: [(String, String)] = base + [
        ("SLURM_JOB_ID", "777001"), ("SLURM_STEP_ID", "3"), ("SLURM_STEP_NODELIST", "gpu[001-002,010-011]"),
        ("SLURM_JOB_NODELIST", "gpu[001-008,010-011]"), ("SLURM_NTASKS", "16"), ("SLURM_NNODES", "4"),
        ("SLURM_STEP_NUM_NODES", "4"), ("SLURM_NODEID", "2"), ("SLURM_STEP_TASKS_PER_NODE", "4(x4)"),
        ("SLURM_TASKS_PER_NODE", "4(x4)"),
    ]

    static let pmix: [(String, String)] = singleNode + [
        ("SLURM_MPI_TYPE", "pmix"), ("PMIX_NAMESPACE", "slurm.pmix.4242.0"), ("PMIX_RANK", "0"),
        ("PMIX_SERVER_TMPDIR", "/var/spool/slurmd/pmix.4242.0"), ("PMIX_PTL_MODULE", "tcp,usock"),
        ("PMIX_SECURITY_MODE", "munge,native"), ("PMIX_GDS_MODULE", "ds21,ds12,hash"),
    ]

    static let pmi2: [(String, String)] = singleNode + [
        ("SLURM_MPI_TYPE", "pmi2"), ("PMI_FD", "7"), ("PMI_SIZE", "1"), ("PMI_RANK", "0"),
    ]

    static let pytorchImage = "PATH=/usr/local/bin:/usr/bin\nPYTORCH_VERSION=2.3.0\n"
}

struct PyTorchHookTests {
    struct Case: CustomStringConvertible, Sendable {
        var description: String
        var variables: [(String, String)]
        var environ: String
        var expected: String
    }

    static let cases: [Case] = [
        Case(description: "single node", variables: Steps.singleNode, environ: Steps.pytorchImage, expected: """
            MASTER_ADDR=node007
            MASTER_PORT=\(61000 + 4242 % 4536)
            WORLD_SIZE=1
            LOCAL_WORLD_SIZE=1
            NODE_RANK=0
            GROUP_RANK=0
            GROUP_WORLD_SIZE=1

            """),
        Case(description: "multi node, image sets MASTER_PORT", variables: Steps.multiNode,
             environ: Steps.pytorchImage + "MASTER_PORT=29500\n", expected: """
            MASTER_ADDR=gpu001
            WORLD_SIZE=16
            LOCAL_WORLD_SIZE=4
            NODE_RANK=2
            GROUP_RANK=2
            GROUP_WORLD_SIZE=4
            OMP_NUM_THREADS=1

            """),
        Case(description: "task ids visible", variables: Steps.singleNode + [("SLURM_PROCID", "0"), ("SLURM_LOCALID", "0")],
             environ: "  PYTORCH_VERSION=\"2.1\"\nGROUP_RANK=0\nLOCAL_WORLD_SIZE=1\nNODE_RANK=0\nGROUP_WORLD_SIZE=1\nMASTER_ADDR=x\n",
             expected: "MASTER_PORT=\(61000 + 4242 % 4536)\nWORLD_SIZE=1\nRANK=0\nLOCAL_RANK=0\n"),
        Case(description: "not a PyTorch image", variables: Steps.multiNode, environ: "PATH=/usr/bin\n", expected: ""),
        Case(description: "commented-out gate", variables: Steps.multiNode, environ: "#PYTORCH_VERSION=2\n", expected: ""),
        Case(description: "outside Slurm", variables: Steps.base, environ: Steps.pytorchImage, expected: ""),
        Case(description: "no trailing newline in the file", variables: Steps.singleNode,
             environ: "PYTORCH_VERSION=2\nMASTER_ADDR=a\nMASTER_PORT=1\nWORLD_SIZE=1\nLOCAL_WORLD_SIZE=1\nNODE_RANK=0\nGROUP_WORLD_SIZE=1",
             expected: "\nGROUP_RANK=0\n"),
    ]

    @Test(arguments: cases)
    func writesExactLines(_ c: Case) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("pytorch", c.variables, environ: c.environ)
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.environ == c.expected)
        #expect(result.mounts == "")
    }

    @Test(arguments: [
        ("SLURM_STEP_NODELIST", "gpu[001-", "pyxis-hook-pytorch: SLURM_STEP_NODELIST=\"gpu[001-\": unbalanced bracket at offset 3\n"),
        ("SLURM_NTASKS", "many", "pyxis-hook-pytorch: SLURM_NTASKS=\"many\" is not a non-negative integer\n"),
        ("SLURM_NODEID", "4", "pyxis-hook-pytorch: SLURM_NODEID=4 is beyond the nodes of SLURM_STEP_TASKS_PER_NODE=4(x4)\n"),
    ])
    func malformedSlurmVariablesFailCleanly(_ name: String, _ value: String, _ message: String) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let variables = Steps.multiNode.filter { $0.0 != name } + [(name, value)]
        let result = try runner.run("pytorch", variables, environ: Steps.pytorchImage)
        #expect(result.status == 1)
        #expect(result.stderr == message)
        #expect(result.environ == "")
    }

    @Test func missingEnrootEnvironment() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("pytorch", Steps.singleNode, enroot: false)
        #expect(result.status == 1)
        #expect(result.stderr == "pyxis-hook-pytorch: ENROOT_ENVIRON is not set; hooks are run by enroot start\n")
    }

    @Test func siteConfiguration() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        try runner.write(runner.directory + "/hooks.conf", """
            [pytorch]
            master_port_base = 20000
            master_port_range = 1000
            master_addr_template = {short}-ib.fabric
            disable = OMP_NUM_THREADS, GROUP_RANK
            [rules]
            set NCCL_SOCKET_IFNAME = ib0
            copy SLURM_JOB_ID -> JOB_ID
            [rules when PYTORCH_VERSION]
            set TORCH_LOG = /tmp/${MASTER_ADDR}-${SLURM_NODEID}.log
            """)
        let variables = Steps.multiNode.filter { $0.0 != "PYXIS_HOOKS_CONFIG" }
            + [("PYXIS_HOOKS_CONFIG", runner.directory + "/hooks.conf")]
        let result = try runner.run("pytorch", variables, environ: Steps.pytorchImage)
        #expect(result.stderr == "")
        #expect(result.environ == """
            MASTER_ADDR=gpu001-ib.fabric
            MASTER_PORT=\(20000 + 777001 % 1000)
            WORLD_SIZE=16
            LOCAL_WORLD_SIZE=4
            NODE_RANK=2
            GROUP_WORLD_SIZE=4
            NCCL_SOCKET_IFNAME=ib0
            JOB_ID=777001
            TORCH_LOG=/tmp/gpu001-ib.fabric-2.log

            """)
    }

    @Test func malformedConfigurationNamesFileAndLine() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let path = runner.directory + "/hooks.conf"
        try runner.write(path, "[pytorch]\n# ok\nmaster_port_base = 0\n")
        let variables = Steps.singleNode.filter { $0.0 != "PYXIS_HOOKS_CONFIG" } + [("PYXIS_HOOKS_CONFIG", path)]
        for hook in ["pytorch", "pmi", "home"] {
            let result = try runner.run(hook, variables, environ: Steps.pytorchImage)
            #expect(result.status == 1)
            #expect(result.stderr == "pyxis-hook-\(hook): invalid configuration: \(path):3: master_port_base = \"0\" is not a port (1-65535)\n")
            #expect(result.environ == "")
        }
    }

    @Test func missingExplicitConfigurationIsAnError() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let path = runner.directory + "/absent.conf"
        let variables = Steps.singleNode.filter { $0.0 != "PYXIS_HOOKS_CONFIG" } + [("PYXIS_HOOKS_CONFIG", path)]
        let result = try runner.run("pytorch", variables, environ: Steps.pytorchImage)
        #expect(result.status == 1)
        #expect(result.stderr == "pyxis-hook-pytorch: cannot open configuration file \(path): No such file or directory\n")
    }

    @Test func siteRuleValueWithNewlineIsRefused() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let path = runner.directory + "/hooks.conf"
        try runner.write(path, "[rules]\ncopy EVIL -> NICE\n")
        let variables = Steps.singleNode.filter { $0.0 != "PYXIS_HOOKS_CONFIG" }
            + [("PYXIS_HOOKS_CONFIG", path), ("EVIL", "x\nLD_PRELOAD=/evil.so")]
        let result = try runner.run("pytorch", variables, environ: Steps.pytorchImage)
        #expect(result.status == 1)
        #expect(result.stderr == "pyxis-hook-pytorch: the value of NICE contains a newline; refusing to write it to the environment file\n")
        #expect(result.environ == "")
    }
}

struct PMIHookTests {
    @Test func pmixStep() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("pmi", Steps.pmix, environ: "SLURM_STEP_ID=0\n")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.environ == """
            SLURM_JOB_ID=4242
            SLURM_JOB_NODELIST=node007
            SLURM_MPI_TYPE=pmix
            SLURM_NNODES=1
            SLURM_NODEID=0
            SLURM_NTASKS=1
            SLURM_STEP_NODELIST=node007
            SLURM_TASKS_PER_NODE=1
            PMIX_GDS_MODULE=ds21,ds12,hash
            PMIX_NAMESPACE=slurm.pmix.4242.0
            PMIX_PTL_MODULE=tcp,usock
            PMIX_RANK=0
            PMIX_SECURITY_MODE=munge,native
            PMIX_SERVER_TMPDIR=/var/spool/slurmd/pmix.4242.0
            PMIX_MCA_ptl=tcp,usock
            PMIX_MCA_psec=munge,native
            PMIX_MCA_gds=ds21,ds12,hash

            """)
        #expect(result.mounts == "/var/spool/slurmd/pmix.4242.0 /var/spool/slurmd/pmix.4242.0 none x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail\n")
    }

    @Test func pmixWithoutMpiTypeAndOddTmpdir() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let variables = Steps.base + [("SLURM_JOB_ID", "1"), ("SLURM_STEP_ID", "0"), ("PMIX_RANK", "3"), ("PMIX_SERVER_TMPDIR", "/tmp/pmix dir\\x")]
        let result = try runner.run("pmi", variables, mounts: "/a /b none bind\n")
        #expect(result.environ == "SLURM_JOB_ID=1\nSLURM_STEP_ID=0\nPMIX_RANK=3\nPMIX_SERVER_TMPDIR=/tmp/pmix dir\\x\n")
        #expect(result.mounts == "/tmp/pmix\\040dir\\134x /tmp/pmix\\040dir\\134x none x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail\n")
    }

    @Test func pmi2Step() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("pmi", Steps.pmi2 + [("PMIX_RANK", "0")])
        #expect(result.status == 0)
        #expect(result.environ == """
            SLURM_JOB_ID=4242
            SLURM_JOB_NODELIST=node007
            SLURM_MPI_TYPE=pmi2
            SLURM_NNODES=1
            SLURM_NODEID=0
            SLURM_NTASKS=1
            SLURM_STEP_ID=0
            SLURM_STEP_NODELIST=node007
            SLURM_TASKS_PER_NODE=1
            PMI_FD=7
            PMI_RANK=0
            PMI_SIZE=1

            """)
        #expect(result.mounts == "")
    }

    @Test func outsideSlurmDoesNothing() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("pmi", Steps.base + [("PMIX_RANK", "0")])
        #expect(result.status == 0)
        #expect(result.environ == "")
        #expect(result.mounts == "")
    }

    @Test func newlineInACopiedValueIsRefused() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("pmi", Steps.singleNode + [("SLURM_EVIL", "a\nLD_PRELOAD=/x.so")])
        #expect(result.status == 1)
        #expect(result.stderr == "pyxis-hook-pmi: the value of SLURM_EVIL contains a newline; refusing to write it to the environment file\n")
        #expect(result.environ == "")
    }

    @Test func disabledBySite() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        try runner.write(runner.directory + "/hooks.conf", "[pmi]\nenabled = no\n")
        let variables = Steps.pmix.filter { $0.0 != "PYXIS_HOOKS_CONFIG" } + [("PYXIS_HOOKS_CONFIG", runner.directory + "/hooks.conf")]
        let result = try runner.run("pmi", variables)
        #expect(result.status == 0)
        #expect(result.environ == "")
        #expect(result.mounts == "")
    }
}

struct HomeHookTests {
    static func passwdHome() -> String {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return "/" }
        return String(cString: dir)
    }

    struct Case: CustomStringConvertible, Sendable {
        var description: String
        var variables: [(String, String)]
        var environ: String
        var mounts: String
    }

    static let noHome = Steps.base.filter { !["HOME", "USER"].contains($0.0) }

    static let cases: [Case] = [
        Case(description: "mount home", variables: Steps.base + [("ENROOT_MOUNT_HOME", "y")],
             environ: "HOME=/home/alice\n", mounts: "/home/alice /home/alice none x-create=dir,bind,rw,nosuid\n"),
        Case(description: "remap root", variables: Steps.base + [("ENROOT_MOUNT_HOME", "y"), ("ENROOT_REMAP_ROOT", "y")],
             environ: "HOME=/root\n", mounts: "/home/alice /root none x-create=dir,bind,rw,nosuid\n"),
        Case(description: "remap root off", variables: Steps.base + [("ENROOT_MOUNT_HOME", "yes"), ("ENROOT_REMAP_ROOT", "n")],
             environ: "HOME=/home/alice\n", mounts: "/home/alice /home/alice none x-create=dir,bind,rw,nosuid\n"),
        Case(description: "missing HOME: passwd entry of the uid", variables: noHome + [("ENROOT_MOUNT_HOME", "y")],
             environ: "HOME=\(passwdHome())\n",
             mounts: "\(passwdHome()) \(passwdHome()) none x-create=dir,bind,rw,nosuid\n"),
        // enroot's common::getpwent asks for the uid of uid_map, whatever USER says.
        Case(description: "missing HOME: USER is not asked", variables: noHome + [("USER", "nobody"), ("ENROOT_MOUNT_HOME", "y")],
             environ: "HOME=\(passwdHome())\n",
             mounts: "\(passwdHome()) \(passwdHome()) none x-create=dir,bind,rw,nosuid\n"),
        Case(description: "empty HOME: passwd entry of the uid", variables: noHome + [("HOME", ""), ("ENROOT_MOUNT_HOME", "y"), ("ENROOT_REMAP_ROOT", "y")],
             environ: "HOME=/root\n", mounts: "\(passwdHome()) /root none x-create=dir,bind,rw,nosuid\n"),
        Case(description: "home with blanks", variables: noHome + [("HOME", "/home/a b"), ("ENROOT_MOUNT_HOME", "1")],
             environ: "HOME=/home/a b\n", mounts: "/home/a\\040b /home/a\\040b none x-create=dir,bind,rw,nosuid\n"),
        Case(description: "not requested", variables: Steps.base, environ: "", mounts: ""),
        Case(description: "requested off", variables: Steps.base + [("ENROOT_MOUNT_HOME", "n")], environ: "", mounts: ""),
        // enroot turns on every switch not spelled like "no", and so do we.
        Case(description: "remap root spelled otherwise is on, as for enroot", variables: Steps.base + [("ENROOT_MOUNT_HOME", "0"), ("ENROOT_REMAP_ROOT", "perhaps")],
             environ: "HOME=/root\n", mounts: "/home/alice /root none x-create=dir,bind,rw,nosuid\n"),
    ]

    @Test(arguments: cases)
    func writesExactLines(_ c: Case) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("home", c.variables)
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.environ == c.environ)
        #expect(result.mounts == c.mounts)
    }

    @Test(arguments: [
        ([("HOME", "relative")], "pyxis-hook-home: HOME=\"relative\" is not an absolute path\n"),
        ([("HOME", "/a\nb")], "pyxis-hook-home: the value of HOME contains a newline; refusing to write it to the environment file\n"),
    ])
    func failsCleanly(_ extra: [(String, String)], _ message: String) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("home", Self.noHome + extra + [("ENROOT_MOUNT_HOME", "y")])
        #expect(result.status == 1)
        #expect(result.stderr == message)
        #expect(result.environ == "")
        #expect(result.mounts == "")
    }
}

@testable import HookSupport
import EnvRemap

struct PasswdLookupTests {
    static let passwd = Array("root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nbad:x\nnohome:x:7:7:::/bin/sh\n".utf8)

    @Test(arguments: [("alice", "/home/alice"), ("1000", "/home/alice"), ("0", "/root"), ("nohome", nil), ("bob", nil)] as [(String, String?)])
    func homeFromPasswd(_ key: String, _ home: String?) {
        #expect(PasswdFile.home(of: key, in: Self.passwd) == home)
    }

    @Test func lookupOrder() {
        #expect(userHome(Environment([("HOME", "/h")])) == "/h")
        let own = userHome(Environment([]))
        #expect(own != nil)
        #expect(userHome(Environment([("HOME", "")])) == own)
        #expect(userHome(Environment([("USER", "nobody"), ("LOGNAME", "nobody"), ("SLURM_JOB_UID", "65534")])) == own)
    }

    @Test(arguments: [("         0       1001          1\n", "1001"), ("1001 1001 1\n", "1001"),
                      ("0 0 4294967295\n", "0"), ("", nil), ("0\n", nil), ("0 x 1\n", nil)] as [(String, String?)])
    func outsideUIDFromUIDMap(_ map: String, _ uid: String?) {
        #expect(outsideUID(Array(map.utf8)) == uid)
    }
}
