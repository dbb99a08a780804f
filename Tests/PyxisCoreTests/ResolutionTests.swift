import Testing
@testable import PyxisCore

private func commandLine(_ options: [(OptionID, String?)]) throws(PyxisError) -> CommandLineOptions {
    var result = CommandLineOptions()
    for (option, argument) in options {
        try result.record(option, argument: argument)
    }
    return result
}

private func resolve(
    _ options: [(OptionID, String?)], environment: [String: String] = [:], config: PluginConfig = PluginConfig()
) throws(PyxisError) -> Resolution {
    try OptionResolver.resolve(commandLine: try commandLine(options), environment: { environment[$0] }, config: config)
}

@Suite struct ResolutionTests {
    @Test func sameValueTwiceIsAccepted() throws {
        let options = try commandLine([(.image, "ubuntu"), (.image, "ubuntu")])
        #expect(options.values[.image] == "ubuntu")
    }

    @Test func differentValueTwiceIsAnError() {
        #expect(throws: PyxisError("--container-image specified multiple times with different values: 'ubuntu' and 'debian'; give it once")) {
            try commandLine([(.image, "ubuntu"), (.image, "debian")])
        }
        #expect(throws: PyxisError("--container-mounts specified multiple times with different values: '/a' and '/b'; give it once")) {
            try commandLine([(.mounts, "/a"), (.mounts, "/b")])
        }
    }

    @Test(arguments: [
        (OptionID.image, "--container-image: argument required (expected [USER@][REGISTRY#]IMAGE[:TAG] or a path to a squashfs file)"),
        (.mounts, "--container-mounts: argument required (expected SRC:DST[:FLAGS][,SRC:DST...])"),
        (.workdir, "--container-workdir: argument required (expected a path)"),
        (.name, "--container-name: argument required (expected NAME[:FLAG], e.g. mycontainer:exec)"),
        (.save, "--container-save: argument required (expected a path)"),
        (.env, "--container-env: argument required (expected NAME[,NAME...])"),
        (.unshare, "--container-unshare: argument required (expected NAMESPACE[,NAMESPACE...] with namespaces net, ipc, uts)"),
    ])
    func emptyArgumentIsPyxisArgumentRequired(option: OptionID, message: String) {
        #expect(throws: PyxisError(message)) { try commandLine([(option, "")]) }
        #expect(throws: PyxisError(message)) { try commandLine([(option, nil)]) }
    }


    @Test func commandLineWinsOverEnvironment() throws {
        let resolution = try resolve(
            [(.image, "ubuntu"), (.noMountHome, nil), (.workdir, "/cli")],
            environment: ["PYXIS_CONTAINER_IMAGE": "debian", "PYXIS_CONTAINER_MOUNT_HOME": "1", "PYXIS_CONTAINER_WORKDIR": "/env"])
        #expect(resolution.options.image == .uri("docker://ubuntu"))
        #expect(resolution.options.mountHome == false)
        #expect(resolution.options.workdir == "/cli")
    }

    @Test func environmentFillsWhatIsNotGiven() throws {
        let resolution = try resolve([], environment: [
            "PYXIS_CONTAINER_IMAGE": "/img.sqsh", "PYXIS_CONTAINER_MOUNTS": "/a:/b",
            "PYXIS_CONTAINER_NAME": "c:exec", "PYXIS_CONTAINER_SAVE": "out.sqsh",
            "PYXIS_CONTAINER_MOUNT_HOME": "yes", "PYXIS_CONTAINER_REMAP_ROOT": "n",
            "PYXIS_CONTAINER_ENTRYPOINT": "true", "PYXIS_CONTAINER_ENTRYPOINT_LOG": "1",
            "PYXIS_CONTAINER_READONLY": "1", "PYXIS_CONTAINER_ENV": "LANG",
            "PYXIS_CONTAINER_UNSHARE": "net,uts", "PYXIS_CONTAINER_WORKDIR": "/w",
        ])
        let options = resolution.options
        #expect(options.image == .squashfsFile("/img.sqsh"))
        #expect(options.mounts == [MountSpec(source: .path("/a"), destination: "/b")])
        #expect(options.name == ContainerName(parsingOrNil: "c:exec"))
        #expect(options.save == "out.sqsh")
        #expect(options.mountHome == true)
        #expect(options.remapRoot == false)
        #expect(options.entrypoint == true)
        #expect(options.entrypointLog == true)
        #expect(options.writable == false)
        #expect(options.environmentNames == ["LANG"])
        #expect(options.unshare == [.net, .uts])
        #expect(options.workdir == "/w")
    }

    @Test func emptyVariableCountsAsUnset() throws {
        let resolution = try resolve([], environment: ["PYXIS_CONTAINER_IMAGE": "", "PYXIS_CONTAINER_MOUNT_HOME": ""])
        #expect(!resolution.options.isActive)
        #expect(resolution.options.mountHome == nil)
    }

    @Test func entrypointDefaultComesFromPlugstack() throws {
        var config = PluginConfig()
        #expect(try resolve([(.image, "x")], config: config).options.entrypoint == false)
        config.executeEntrypoint = true
        #expect(try resolve([(.image, "x")], config: config).options.entrypoint == true)
        #expect(try resolve([(.image, "x"), (.noEntrypoint, nil)], config: config).options.entrypoint == false)
        #expect(try resolve([(.image, "x")], environment: ["PYXIS_CONTAINER_ENTRYPOINT": "0"], config: config).options.entrypoint == false)
    }

    @Test(arguments: [
        ([(OptionID.mountHome, String?.none), (.noMountHome, nil)], "both --container-mount-home and --no-container-mount-home were specified; give only one of them"),
        ([(.remapRoot, nil), (.noRemapRoot, nil)], "both --container-remap-root and --no-container-remap-root were specified; give only one of them"),
        ([(.entrypoint, nil), (.noEntrypoint, nil)], "both --container-entrypoint and --no-container-entrypoint were specified; give only one of them"),
        ([(.writable, nil), (.readonly, nil)], "both --container-writable and --container-readonly were specified; give only one of them"),
    ])
    func conflictingPairs(options: [(OptionID, String?)], message: String) {
        #expect(throws: PyxisError(message)) { try resolve([(.image, "x")] + options) }
    }

    @Test func writableVariablesMustAgree() throws {
        #expect(throws: PyxisError("PYXIS_CONTAINER_WRITABLE and PYXIS_CONTAINER_READONLY disagree; set only one of them")) {
            try resolve([(.image, "x")], environment: ["PYXIS_CONTAINER_WRITABLE": "1", "PYXIS_CONTAINER_READONLY": "1"])
        }
        let agreeing = try resolve([(.image, "x")], environment: ["PYXIS_CONTAINER_WRITABLE": "0", "PYXIS_CONTAINER_READONLY": "1"])
        #expect(agreeing.options.writable == false)
        let overridden = try resolve([(.image, "x"), (.writable, nil)], environment: ["PYXIS_CONTAINER_READONLY": "1"])
        #expect(overridden.options.writable == true)
    }

    /// pyxis hands a `PYXIS_*` value to the option's callback, so its line names the option;
    /// ours does too, then names the variable. Booleans pyxis ignores silently: ours are errors.
    @Test(arguments: [
        ("PYXIS_CONTAINER_MOUNT_HOME", "maybe", "PYXIS_CONTAINER_MOUNT_HOME='maybe' is not a boolean; expected 1, true, yes, y, 0, false, no or n"),
        ("PYXIS_CONTAINER_ENTRYPOINT_LOG", "2", "PYXIS_CONTAINER_ENTRYPOINT_LOG='2' is not a boolean; expected 1, true, yes, y, 0, false, no or n"),
        ("PYXIS_CONTAINER_UNSHARE", "pid", "--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts (set by PYXIS_CONTAINER_UNSHARE)"),
        ("PYXIS_CONTAINER_UNSHARE", "net,", "--container-unshare: empty namespace argument in 'net,'; allowed: net, ipc, uts, separated by single commas (set by PYXIS_CONTAINER_UNSHARE)"),
        ("PYXIS_CONTAINER_NAME", "x:go", "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got 'go' in 'x:go') (set by PYXIS_CONTAINER_NAME)"),
        ("PYXIS_CONTAINER_NAME", ":exec", "--container-name: empty name in ':exec' (expected NAME[:FLAG], e.g. mycontainer:exec) (set by PYXIS_CONTAINER_NAME)"),
        ("PYXIS_CONTAINER_MOUNTS", "data", "mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\": --container-mounts entry 'data' has source 'data' (a path starts with / or .) (set by PYXIS_CONTAINER_MOUNTS)"),
        ("PYXIS_CONTAINER_MOUNTS", "/a::ro", "--container-mounts: invalid format: /a::ro (an empty target; expected SRC:DST[:FLAGS]) (set by PYXIS_CONTAINER_MOUNTS)"),
        ("PYXIS_CONTAINER_SAVE", "out/", "--container-save: target is a directory: 'out/' ends with '/'; name the squashfs file to write, e.g. out/image.sqsh (set by PYXIS_CONTAINER_SAVE)"),
        ("PYXIS_CONTAINER_ENV", "A,,B", "--container-env: invalid format: A,,B (an empty name; expected NAME[,NAME...]) (set by PYXIS_CONTAINER_ENV)"),
        ("PYXIS_CONTAINER_IMAGE", "podman://x", "--container-image: unsupported URI scheme 'podman://' in 'podman://x'; use docker://, dockerd://, a registry image such as ubuntu:24.04, or a squashfs path starting with / or . (set by PYXIS_CONTAINER_IMAGE)"),
    ])
    func malformedVariablesNameTheOptionThenTheVariable(variable: String, value: String, message: String) {
        #expect(throws: PyxisError(message)) { try resolve([], environment: [variable: value]) }
    }

    @Test func inertWithoutImageOrNameAndWarnsPerOption() throws {
        let resolution = try resolve([(.mounts, "/a"), (.remapRoot, nil), (.workdir, "/w")])
        #expect(!resolution.options.isActive)
        #expect(resolution.warnings == [
            "ignoring --container-mounts because neither --container-image nor --container-name is set",
            "ignoring --container-workdir because neither --container-image nor --container-name is set",
            "ignoring --[no-]container-remap-root because neither --container-image nor --container-name is set",
        ])
    }

    /// pyxis's lines, word for word: a `--x`/`--no-x` pair is named `--[no-]x`.
    @Test(arguments: [
        (OptionID.mounts, String?("/a"), "ignoring --container-mounts because neither --container-image nor --container-name is set"),
        (.workdir, "/w", "ignoring --container-workdir because neither --container-image nor --container-name is set"),
        (.save, "out.sqsh", "ignoring --container-save because neither --container-image nor --container-name is set"),
        (.mountHome, nil, "ignoring --[no-]container-mount-home because neither --container-image nor --container-name is set"),
        (.noMountHome, nil, "ignoring --[no-]container-mount-home because neither --container-image nor --container-name is set"),
        (.remapRoot, nil, "ignoring --[no-]container-remap-root because neither --container-image nor --container-name is set"),
        (.noRemapRoot, nil, "ignoring --[no-]container-remap-root because neither --container-image nor --container-name is set"),
        (.entrypoint, nil, "ignoring --[no-]container-entrypoint because neither --container-image nor --container-name is set"),
        (.noEntrypoint, nil, "ignoring --[no-]container-entrypoint because neither --container-image nor --container-name is set"),
        (.entrypointLog, nil, "ignoring --container-entrypoint-log because neither --container-image nor --container-name is set"),
        (.writable, nil, "ignoring --container-writable because neither --container-image nor --container-name is set"),
        (.readonly, nil, "ignoring --container-readonly because neither --container-image nor --container-name is set"),
        (.env, "LANG", "ignoring --container-env because neither --container-image nor --container-name is set"),
        (.unshare, "net", "ignoring --container-unshare because neither --container-image nor --container-name is set"),
    ])
    func ignoringWarningIsPyxisLine(option: OptionID, argument: String?, warning: String) throws {
        #expect(try resolve([(option, argument)]).warnings == [warning])
    }

    @Test func nameAloneIsActive() throws {
        let resolution = try resolve([(.name, "c"), (.mounts, "/a")])
        #expect(resolution.options.isActive)
        #expect(resolution.warnings.isEmpty)
    }
}

extension ContainerName {
    init?(parsingOrNil value: String) {
        guard let parsed = try? ContainerName(parsing: value) else { return nil }
        self = parsed
    }
}

/// Slurm's own OCI container options beside ours: one container per step.
@Suite struct SlurmContainerConflictTests {
    @Test func slurmsContainerWithOursIsAnError() {
        #expect(throws: PyxisError("--container-image cannot be combined with Slurm's own --container (SLURM_CONTAINER='/bundles/b'): a step runs in one container, pyxis's or Slurm's OCI one; drop one of them")) {
            try resolve([(.image, "ubuntu")], environment: ["SLURM_CONTAINER": "/bundles/b"])
        }
        #expect(throws: PyxisError("--container-name cannot be combined with Slurm's own --container-id (SLURM_CONTAINER_ID='c1'): a step runs in one container, pyxis's or Slurm's OCI one; drop one of them")) {
            try resolve([(.name, "build")], environment: ["SLURM_CONTAINER_ID": "c1"])
        }
    }

    @Test func slurmsContainerAloneIsNotOurs() throws {
        let resolution = try resolve([], environment: ["SLURM_CONTAINER": "/bundles/b"])
        #expect(!resolution.options.isActive)
    }

    @Test func anEmptyVariableIsNoContainer() throws {
        #expect(try resolve([(.image, "ubuntu")], environment: ["SLURM_CONTAINER": ""]).options.isActive)
    }
}
