import Testing
@testable import EnvRemap

struct SiteConfigTests {
    @Test func fullExample() throws {
        let text = """
            # site tuning
            [pytorch]
            enabled = yes
            when = TORCH_HOME
            master_port_base = 30000
            master_port_range = 1000
            master_addr_suffix = "-ib"
            disable = OMP_NUM_THREADS, GROUP_RANK

            ; the PMI hook
            [pmi]
            enabled = no
            mount_server_tmpdir = no
            [home]
            enabled = false

            [rules]
            set NCCL_SOCKET_IFNAME = ib0
            copy SLURM_JOB_ID -> JOB_ID
            [rules when TF_VERSION]
            set TF_THREADS = ${SLURM_CPUS_PER_TASK}x$HOME
            """
        let config = try SiteConfig.parse(text, file: "hooks.conf")
        var pytorch = PyTorchSettings()
        pytorch.gate = "TORCH_HOME"
        pytorch.masterPortBase = 30000
        pytorch.masterPortRange = 1000
        pytorch.masterAddr = .suffix("-ib")
        pytorch.disabled = [.ompNumThreads, .groupRank]
        #expect(config.pytorch == pytorch)
        #expect(config.pmi.enabled == false)
        #expect(config.pmi.mountServerTmpdir == false)
        #expect(config.home.enabled == false)
        #expect(config.rules == [
            SiteRuleSet(when: nil, rules: [
                SiteRule(name: "NCCL_SOCKET_IFNAME", template: Template(parts: [.text("ib0")])),
                SiteRule(name: "JOB_ID", template: Template(parts: [.reference("SLURM_JOB_ID")])),
            ]),
            SiteRuleSet(when: "TF_VERSION", rules: [
                SiteRule(name: "TF_THREADS", template: Template(parts: [.reference("SLURM_CPUS_PER_TASK"), .text("x$HOME")])),
            ]),
        ])
    }

    @Test func emptyAndCommentsOnlyGiveDefaults() throws {
        #expect(try SiteConfig.parse("", file: "f") == SiteConfig())
        #expect(try SiteConfig.parse("# nothing\r\n\n  ; here\n", file: "f") == SiteConfig())
    }

    @Test(arguments: [
        ("enabled = yes", 1, "enabled is outside a section; start with [pytorch], [pmi], [home] or [rules]"),
        ("[pytorch]\n\n[bogus]", 3, "unknown section [bogus]; expected [pytorch], [pmi], [home], [rules] or [rules when NAME]"),
        ("[pytorch", 1, "section header \"[pytorch\" lacks a closing ]"),
        ("[pytorch]\nenabled = maybe", 2, "enabled = \"maybe\" is not a boolean (1, true, yes, y, 0, false, no or n)"),
        ("[pytorch]\nmaster_port_base = 70000", 2, "master_port_base = \"70000\" is not a port (1-65535)"),
        ("[pytorch]\nmaster_port_range = 0", 2, "master_port_range = \"0\" is not a count of ports (1-65535)"),
        ("[pytorch]\nmaster_port_base = 65000\nmaster_port_range = 1000", 3, "master_port_base + master_port_range - 1 exceeds 65535"),
        ("[pytorch]\nmaster_port_base = 62000", 2, "master_port_base + master_port_range - 1 exceeds 65535"),
        ("[pytorch]\nmaster_port_range = 9000\n\n", 2, "master_port_base + master_port_range - 1 exceeds 65535"),
        ("[pytorch]\nmaster_addr_suffix = -ib\nmaster_addr_template = {host}", 3, "master_addr_suffix and master_addr_template exclude each other"),
        ("[pytorch]\nmaster_addr_template = ib0", 2, "master_addr_template = \"ib0\" uses neither {host} nor {short}"),
        ("[pytorch]\nmaster_addr_suffix = a b", 2, "master_addr_suffix = \"a b\" must be non-empty text without blanks"),
        ("[pytorch]\ndisable = RANK, FOO", 2, "disable: unknown rule \"FOO\"; known: MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, NODE_RANK, GROUP_RANK, GROUP_WORLD_SIZE, OMP_NUM_THREADS"),
        ("[pytorch]\nenabled = yes\nenabled = no", 3, "enabled is set twice in [pytorch]"),
        ("[pmi]\nport = 1", 2, "unknown key \"port\" in [pmi]"),
        ("[home]\nenabled", 2, "expected key = value, got \"enabled\""),
        ("[pytorch]\nwhen = 1X", 2, "when = \"1X\" is not a variable name"),
        ("[rules]\nset 1A = x", 2, "\"1A\" is not a valid variable name"),
        ("[rules]\nset A x", 2, "expected set NAME = VALUE"),
        ("[rules]\nset A = ${B", 2, "unterminated ${ in value"),
        ("[rules]\nset A = ${B-C}", 2, "\"B-C\" in ${...} is not a valid variable name"),
        ("[rules]\nset ENROOT_X = 1", 2, "enroot ignores ENROOT_ names: ENROOT_X"),
        ("[rules]\ncopy A B", 2, "expected copy SOURCE -> NAME"),
        ("[rules]\ncopy A -> 9", 2, "\"9\" is not a valid variable name"),
        ("[rules]\nunset A", 2, "expected a rule (set NAME = VALUE or copy SOURCE -> NAME), got \"unset A\""),
        ("[rules when]", 1, "unknown section [rules when]; expected [pytorch], [pmi], [home], [rules] or [rules when NAME]"),
        ("[rules when A-B]", 1, "\"A-B\" is not a valid variable name"),
    ])
    func malformedNamesFileAndLine(_ text: String, _ line: Int, _ message: String) {
        #expect(throws: ConfigError(file: "/etc/pyxis/hooks.conf", line: line, message: message)) {
            try SiteConfig.parse(text, file: "/etc/pyxis/hooks.conf")
        }
    }

    @Test func errorDescription() {
        #expect(ConfigError(file: "/x.conf", line: 3, message: "bad").description == "/x.conf:3: bad")
    }

    @Test func siteRules() throws {
        let config = try SiteConfig.parse("""
            [rules]
            set NCCL_SOCKET_IFNAME = ib0
            copy SLURM_JOB_ID -> JOB_ID
            set PRESENT = new
            set LOG = /tmp/${JOB_ID}.${MASTER_ADDR}.log
            set SKIPPED = ${UNSET_VARIABLE}
            set NCCL_SOCKET_IFNAME = second-loses
            [rules when TF_VERSION]
            set TF_X = 1
            [rules when PYTORCH_VERSION]
            set TORCH_X = ${SLURM_NTASKS}
            """, file: "f")
        let added = SiteRules.additions(
            config.rules,
            process: Environment([("SLURM_JOB_ID", "9"), ("SLURM_NTASKS", "4")]),
            container: Environment([("PRESENT", "old"), ("PYTORCH_VERSION", "2")]),
            added: [Variable("MASTER_ADDR", "n1")])
        #expect(added.map(\.description) == [
            "NCCL_SOCKET_IFNAME=ib0", "JOB_ID=9", "LOG=/tmp/9.n1.log", "TORCH_X=4",
        ])
    }
}
