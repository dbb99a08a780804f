import Testing
@testable import PyxisCore

@Suite struct ImageReferenceTests {
    @Test(arguments: [
        ("ubuntu", ImageReference.uri("docker://ubuntu")),
        ("ubuntu:24.04", .uri("docker://ubuntu:24.04")),
        ("nvcr.io#nvidia/pytorch:24.01-py3", .uri("docker://nvcr.io#nvidia/pytorch:24.01-py3")),
        ("user@nvcr.io#nvidia/pytorch", .uri("docker://user@nvcr.io#nvidia/pytorch")),
        ("docker://alpine", .uri("docker://alpine")),
        ("dockerd://alpine:3", .uri("dockerd://alpine:3")),
        ("/shared/img.sqsh", .squashfsFile("/shared/img.sqsh")),
        ("./img.sqsh", .squashfsFile("./img.sqsh")),
    ])
    func accepts(value: String, expected: ImageReference) throws {
        #expect(try ImageReference(parsing: value) == expected)
    }

    @Test(arguments: [
        ("", "the value is empty"),
        ("docker://", "names no image after docker://"),
        ("podman://alpine", "unsupported URI scheme 'podman://'"),
        ("ubuntu\nX=1", "contains a space or control character"),
        ("a b", "contains a space"),
    ])
    func rejects(value: String, fragment: String) {
        #expect(throws: PyxisError.self) { try ImageReference(parsing: value) }
        do {
            _ = try ImageReference(parsing: value)
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }
}

@Suite struct ContainerNameTests {
    @Test(arguments: [
        ("train", "train", ContainerName.Flag.auto),
        ("train:auto", "train", .auto),
        ("train:create", "train", .create),
        ("train:exec", "train", .exec),
        ("train:no_exec", "train", .noExec),
        ("a.b-c_d", "a.b-c_d", .auto),
    ])
    func accepts(value: String, name: String, flag: ContainerName.Flag) throws {
        let parsed = try ContainerName(parsing: value)
        #expect(parsed.name == name)
        #expect(parsed.flag == flag)
    }

    @Test(arguments: [
        ("", "empty name"),
        (":exec", "empty name"),
        ("train:run", "unknown flag 'run' in 'train:run'; allowed: NAME, NAME:auto, NAME:create, NAME:exec, NAME:no_exec"),
        ("train:", "unknown flag ''"),
        ("a/b", "may not contain '/'"),
        ("..", "may not contain '/' or be '.' or '..'"),
        ("a b", "spaces or control characters"),
        ("a\nb", "spaces or control characters"),
        (String(repeating: "x", count: 239), "at most 238 are allowed"),
    ])
    func rejects(value: String, fragment: String) {
        do {
            _ = try ContainerName(parsing: value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func longestNameFitsAFileNameInJobScope() throws {
        let name = try ContainerName(parsing: String(repeating: "x", count: ContainerName.maximumLength))
        #expect(("pyxis_4294967295_" + name.name).utf8.count == 255)
    }
}

@Suite struct MountSpecTests {
    @Test func sourceAloneMountsAtTheSamePath() throws {
        #expect(try MountSpec.parseList("/data") == [MountSpec(source: .path("/data"), destination: "/data")])
    }

    @Test func flagsAreAppendedAfterDefaults() throws {
        let mounts = try MountSpec.parseList("/a:/b:ro+nosuid,tmpfs:/scratch,umount:/proc/driver:nofail")
        #expect(mounts.map(\.options) == [
            ["x-create=auto", "rbind", "ro", "nosuid"],
            ["x-create=dir"],
            ["x-detach", "nofail"],
        ])
        #expect(mounts.map(\.fstabLine) == [
            "/a /b none x-create=auto,rbind,ro,nosuid",
            "tmpfs /scratch tmpfs x-create=dir",
            "none /proc/driver none x-detach,nofail",
        ])
    }

    @Test func identicalEntriesAreKeptOnce() throws {
        #expect(try MountSpec.parseList("/a:/b,/c,/a:/b").count == 2)
        #expect(try MountSpec.parseList("/a:/b,/a:/b:ro").count == 2)
    }

    @Test func pathsWithSpacesAreEscapedInFstab() throws {
        let mount = try #require(try MountSpec.parseList("/my dir:/in\\side").first)
        #expect(mount.fstabLine == "/my\\040dir /in\\134side none x-create=auto,rbind")
    }

    @Test(arguments: [
        ("", "the value is empty"),
        ("/a,,/b", "empty mount entry in '/a,,/b'"),
        ("/a,", "empty mount entry"),
        ("data:/mnt", "mount source 'data' in 'data:/mnt' is neither a path (starting with / or .) nor tmpfs or umount"),
        ("/a:mnt", "mount target 'mnt' in '/a:mnt' is not a path"),
        ("/a:", "mount target '' in '/a:' is not a path"),
        ("/a:/b:", "gives no flags"),
        ("/a:/b:ro++nosuid", "empty or blank flag"),
        ("/a:/b:ro:x", "has 4 ':'-separated fields"),
        ("tmpfs", "needs a target: tmpfs:DST"),
        ("umount", "needs a target: umount:DST"),
        ("/a\n/b", "control character"),
    ])
    func rejects(value: String, fragment: String) {
        do {
            _ = try MountSpec.parseList(value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }
}

@Suite struct ListValueTests {
    @Test func unshareKeepsOrderAndDropsRepeats() throws {
        #expect(try UnshareNamespace.parseList("uts,net,uts") == [.uts, .net])
        #expect(UnshareNamespace.net.enrootVariable == "ENROOT_UNSHARE_NET")
    }

    @Test(arguments: ["", "pid", "net,", "NET", "net,,ipc"])
    func unshareRejects(value: String) {
        #expect(throws: PyxisError.self) { try UnshareNamespace.parseList(value) }
    }

    @Test func environmentNames() throws {
        #expect(try EnvironmentNameList.parse("LANG,LC_ALL,_X1,LANG") == ["LANG", "LC_ALL", "_X1"])
    }

    @Test(arguments: ["", "A,,B", "1X", "A=B", "A B", "A,"])
    func environmentNamesRejects(value: String) {
        #expect(throws: PyxisError.self) { try EnvironmentNameList.parse(value) }
    }

    @Test(arguments: ["/out/img.sqsh", "img.sqsh", "./a b.sqsh"])
    func saveAccepts(value: String) throws {
        #expect(try PathValue.parseSave(value) == value)
    }

    @Test(arguments: ["", "dir/", "/", "out/.", "..", "a\nb"])
    func saveRejects(value: String) {
        #expect(throws: PyxisError.self) { try PathValue.parseSave(value) }
    }

    @Test(arguments: [("1", true), ("TRUE", true), ("yes", true), ("y", true), ("0", false), ("False", false), ("no", false), ("N", false)])
    func booleans(text: String, value: Bool) {
        #expect(BooleanValue.parse(text) == value)
    }

    @Test(arguments: ["", "on", "off", "2", "maybe", " 1"])
    func booleanRejects(text: String) {
        #expect(BooleanValue.parse(text) == nil)
    }
}

@Suite struct PluginConfigTests {
    @Test func defaults() throws {
        let config = try PluginConfig(arguments: [])
        #expect(config.runtimePath == "/run/pyxis")
        #expect(config.executeEntrypoint == false)
        #expect(config.containerScope == .global)
        #expect(config.sbatchSupport == true)
        #expect(config.useEnrootLoad == false)
        #expect(config.importer == nil)
        #expect(config.useSquashfuse == .auto)
    }

    @Test func everyKey() throws {
        let config = try PluginConfig(arguments: [
            "runtime_path=/var/run/pyxis/", "execute_entrypoint=1", "container_scope=job",
            "sbatch_support=0", "use_enroot_load=true", "importer=/usr/libexec/importer",
            "use_squashfuse=0",
        ])
        #expect(config.runtimePath == "/var/run/pyxis")
        #expect(config.executeEntrypoint)
        #expect(config.containerScope == .job)
        #expect(!config.sbatchSupport)
        #expect(config.useEnrootLoad)
        #expect(config.importer == "/usr/libexec/importer")
        #expect(config.useSquashfuse == .off)
    }

    @Test(arguments: [
        (["foo=bar"], "unknown plugstack argument 'foo=bar'; known keys: runtime_path"),
        (["runtime_path"], "is not key=value"),
        (["runtime_path=relative"], "expected an absolute path"),
        (["runtime_path=/"], "cannot be /"),
        (["runtime_path=/run/../etc"], "'.' or '..'"),
        (["execute_entrypoint=maybe"], "execute_entrypoint=maybe: expected 1, true"),
        (["container_scope=node"], "container_scope='node': expected job or global"),
        (["sbatch_support="], "sbatch_support=: expected"),
        (["use_squashfuse=sometimes"], "use_squashfuse='sometimes': expected auto"),
        (["importer=importer"], "importer='importer': expected an absolute path"),
        (["sbatch_support=0", "sbatch_support=1"], "given twice with different values"),
    ])
    func rejects(arguments: [String], fragment: String) {
        do {
            _ = try PluginConfig(arguments: arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }
}
