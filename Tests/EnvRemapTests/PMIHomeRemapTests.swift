import Testing
@testable import EnvRemap

struct PMIRemapTests {
    static let pmix = Environment([
        ("SLURM_JOB_ID", "42"), ("SLURM_STEP_ID", "0"), ("SLURM_MPI_TYPE", "pmix_v4"),
        ("PMIX_RANK", "0"), ("PMIX_NAMESPACE", "slurm.pmix.42.0"), ("PMIX_SERVER_TMPDIR", "/var/spool/slurmd/pmix.42.0"),
        ("PMIX_PTL_MODULE", "tcp,usock"), ("PMIX_SECURITY_MODE", "munge,native"), ("PMIX_GDS_MODULE", "ds21,ds12,hash"),
        ("PMI_FD", "3"), ("HOME", "/home/u"),
    ])

    @Test func pmixStep() throws {
        let plan = try PMIRemap.plan(process: Self.pmix, container: Environment([("SLURM_STEP_ID", "0")]))
        #expect(plan.variables.map(\.description) == [
            "SLURM_JOB_ID=42", "SLURM_MPI_TYPE=pmix_v4",
            "PMIX_GDS_MODULE=ds21,ds12,hash", "PMIX_NAMESPACE=slurm.pmix.42.0", "PMIX_PTL_MODULE=tcp,usock",
            "PMIX_RANK=0", "PMIX_SECURITY_MODE=munge,native", "PMIX_SERVER_TMPDIR=/var/spool/slurmd/pmix.42.0",
            "PMIX_MCA_ptl=tcp,usock", "PMIX_MCA_psec=munge,native", "PMIX_MCA_gds=ds21,ds12,hash",
            "PMI_FD=3",
        ])
        #expect(plan.mounts == [MountLine(
            source: "/var/spool/slurmd/pmix.42.0", target: "/var/spool/slurmd/pmix.42.0",
            options: "x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail")])
    }

    /// Slurm names its PMIx plugin after the PMIx major release it was built with (22.05 to 26.05:
    /// `pmix_v3` to `pmix_v6`); `--mpi=pmix` picks that one, and steps see either name.
    @Test(arguments: ["pmix", "pmix_v3", "pmix_v4", "pmix_v5", "pmix_v6"])
    func everyPMIxPluginName(type: String) throws {
        var pairs = Self.pmix.variables.map { ($0.name, $0.value) }
        pairs[2] = ("SLURM_MPI_TYPE", type)
        let plan = try PMIRemap.plan(process: Environment(pairs), container: Environment())
        #expect(plan.variables.contains(Variable("SLURM_MPI_TYPE", type)))
        #expect(plan.variables.contains(Variable("PMIX_NAMESPACE", "slurm.pmix.42.0")))
        #expect(plan.mounts.map(\.target) == ["/var/spool/slurmd/pmix.42.0"])
    }

    /// As the script: a target the step sets wins; the image's does not (the hook's line comes
    /// after it in the environment file); an empty source maps nothing; an unquoted source's
    /// last word is the value.
    @Test func mcaMappingsYieldToTheStepsValuesOnly() throws {
        let container = Environment([("PMIX_MCA_psec", "native")])
        var pairs = Self.pmix.variables.map { ($0.name, $0.value) }
        pairs.append(("PMIX_MCA_gds", "hash"))
        pairs[pairs.firstIndex { $0.0 == "PMIX_PTL_MODULE" }!] = ("PMIX_PTL_MODULE", "tcp usock")
        let plan = try PMIRemap.plan(process: Environment(pairs), container: container)
        #expect(plan.variables.contains(Variable("PMIX_MCA_ptl", "usock")))
        #expect(plan.variables.contains(Variable("PMIX_MCA_psec", "munge,native")))
        #expect(plan.variables.filter { $0.name == "PMIX_MCA_gds" } == [Variable("PMIX_MCA_gds", "hash")])
        pairs[pairs.firstIndex { $0.0 == "PMIX_PTL_MODULE" }!] = ("PMIX_PTL_MODULE", "")
        #expect(!(try PMIRemap.plan(process: Environment(pairs), container: container)).variables.map(\.name).contains("PMIX_MCA_ptl"))
    }

    @Test func anEmptyMPITypeIsPMIx() throws {
        var pairs = Self.pmix.variables.map { ($0.name, $0.value) }
        pairs[2] = ("SLURM_MPI_TYPE", "")
        let plan = try PMIRemap.plan(process: Environment(pairs), container: Environment())
        #expect(plan.variables.contains(Variable("PMIX_RANK", "0")))
        #expect(plan.mounts.count == 1)
    }

    @Test(arguments: [[("SLURM_JOB_ID", "42")], [("SLURM_JOB_ID", "42"), ("SLURM_STEP_ID", "")],
                      [("SLURM_JOB_ID", ""), ("SLURM_STEP_ID", "0")], [("SLURM_STEP_ID", "0")]])
    func onlyAStepOfAJob(_ ids: [(String, String)]) throws {
        let process = Environment(ids + [("PMIX_RANK", "0"), ("PMI_FD", "3")])
        #expect(try PMIRemap.plan(process: process, container: Environment()).isEmpty)
    }

    @Test func pmi2Step() throws {
        let process = Environment([
            ("SLURM_JOB_ID", "42"), ("SLURM_STEP_ID", "1"), ("SLURM_MPI_TYPE", "pmi2"), ("PMI_FD", "5"), ("PMI_SIZE", "2"),
            ("PMIX_RANK", "0"),
        ])
        let plan = try PMIRemap.plan(process: process, container: Environment())
        #expect(plan.variables.map(\.description) == ["SLURM_JOB_ID=42", "SLURM_MPI_TYPE=pmi2", "SLURM_STEP_ID=1", "PMI_FD=5", "PMI_SIZE=2"])
        #expect(plan.mounts.isEmpty)
    }

    @Test func outsideSlurmOrDisabled() throws {
        #expect(try PMIRemap.plan(process: Environment([("PMIX_RANK", "0")]), container: Environment()).isEmpty)
        var settings = PMISettings()
        settings.enabled = false
        #expect(try PMIRemap.plan(process: Self.pmix, container: Environment(), settings: settings).isEmpty)
        settings = PMISettings()
        settings.mountServerTmpdir = false
        #expect(try PMIRemap.plan(process: Self.pmix, container: Environment(), settings: settings).mounts.isEmpty)
    }

    @Test func relativeServerTmpdirIsAnError() {
        let process = Environment([("SLURM_JOB_ID", "1"), ("SLURM_STEP_ID", "0"), ("PMIX_SERVER_TMPDIR", "tmp")])
        #expect(throws: PlanError.notAbsolute(name: "PMIX_SERVER_TMPDIR", value: "tmp")) {
            try PMIRemap.plan(process: process, container: Environment())
        }
    }
}

struct HomeRemapTests {
    @Test(arguments: [
        ("y", nil, "/home/u", "HOME=/home/u", "/home/u /home/u none x-create=dir,bind,rw,nosuid\n"),
        ("yes", "n", "/home/u", "HOME=/home/u", "/home/u /home/u none x-create=dir,bind,rw,nosuid\n"),
        ("1", "y", "/home/u", "HOME=/root", "/home/u /root none x-create=dir,bind,rw,nosuid\n"),
        ("true", "", "/home/a b", "HOME=/home/a b", "/home/a\\040b /home/a\\040b none x-create=dir,bind,rw,nosuid\n"),
    ] as [(String, String?, String, String, String)])
    func mountsHome(_ mount: String, _ root: String?, _ home: String, _ variable: String, _ line: String) throws {
        let plan = try HomeRemap.plan(mountHome: mount, remapRoot: root, home: { home })
        #expect(plan.variables.map(\.description) == [variable])
        #expect(try plan.mounts.map { try $0.line() } == [line])
    }

    @Test(arguments: [nil, "", "n", "no", "N", "f", "false", "FALSE"] as [String?])
    func nothingWhenOff(_ mount: String?) throws {
        #expect(try HomeRemap.plan(mountHome: mount, remapRoot: "y", home: { Issue.record("home looked up"); return "/h" }).isEmpty)
    }

    @Test func errors() throws {
        #expect(throws: HomeError.noHome) { try HomeRemap.plan(mountHome: "y", remapRoot: nil, home: { nil }) }
        #expect(throws: HomeError.plan(.notAbsolute(name: "HOME", value: "rel"))) {
            try HomeRemap.plan(mountHome: "y", remapRoot: nil, home: { "rel" })
        }
        // enroot turns on every switch that is not spelled like "no" ("0" and "maybe" too), and
        // its own 10-home.sh mounts the home for them: so does ours.
        #expect(try !HomeRemap.plan(mountHome: "maybe", remapRoot: nil, home: { "/h" }).isEmpty)
        #expect(try !HomeRemap.plan(mountHome: "0", remapRoot: nil, home: { "/h" }).isEmpty)
    }
}
