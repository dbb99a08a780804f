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
        #expect(throws: PyxisError("--container-image given twice with different values: 'ubuntu' and 'debian'; give it once")) {
            try commandLine([(.image, "ubuntu"), (.image, "debian")])
        }
    }

    @Test func emptyArgumentNamesTheOption() {
        #expect(throws: PyxisError("--container-workdir: the value is empty; expected a path")) {
            try commandLine([(.workdir, "")])
        }
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
        ([(OptionID.mountHome, String?.none), (.noMountHome, nil)], "--container-mount-home and --no-container-mount-home conflict; give only one of them"),
        ([(.remapRoot, nil), (.noRemapRoot, nil)], "--container-remap-root and --no-container-remap-root conflict; give only one of them"),
        ([(.entrypoint, nil), (.noEntrypoint, nil)], "--container-entrypoint and --no-container-entrypoint conflict; give only one of them"),
        ([(.writable, nil), (.readonly, nil)], "--container-writable and --container-readonly conflict; give only one of them"),
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

    @Test(arguments: [
        ("PYXIS_CONTAINER_MOUNT_HOME", "maybe", "PYXIS_CONTAINER_MOUNT_HOME='maybe' is not a boolean; expected 1, true, yes, y, 0, false, no or n"),
        ("PYXIS_CONTAINER_ENTRYPOINT_LOG", "2", "PYXIS_CONTAINER_ENTRYPOINT_LOG='2' is not a boolean"),
        ("PYXIS_CONTAINER_UNSHARE", "pid", "PYXIS_CONTAINER_UNSHARE: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts"),
        ("PYXIS_CONTAINER_NAME", "x:go", "PYXIS_CONTAINER_NAME: unknown flag 'go'"),
        ("PYXIS_CONTAINER_MOUNTS", "data", "PYXIS_CONTAINER_MOUNTS: mount source 'data'"),
        ("PYXIS_CONTAINER_SAVE", "out/", "PYXIS_CONTAINER_SAVE: 'out/' ends with '/'"),
        ("PYXIS_CONTAINER_IMAGE", "podman://x", "PYXIS_CONTAINER_IMAGE: unsupported URI scheme"),
    ])
    func malformedVariablesNameTheVariable(variable: String, value: String, fragment: String) {
        do {
            _ = try resolve([], environment: [variable: value])
            Issue.record("accepted \(variable)=\(value)")
        } catch {
            #expect(error.message.hasPrefix(fragment) || error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func inertWithoutImageOrNameAndWarnsPerOption() throws {
        let resolution = try resolve([(.mounts, "/a"), (.remapRoot, nil), (.workdir, "/w")])
        #expect(!resolution.options.isActive)
        #expect(resolution.warnings == [
            "ignoring --container-mounts because neither --container-image nor --container-name is set",
            "ignoring --container-workdir because neither --container-image nor --container-name is set",
            "ignoring --container-remap-root because neither --container-image nor --container-name is set",
        ])
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
