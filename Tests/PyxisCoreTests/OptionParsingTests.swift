import EnvRemap
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
        ("", "argument required (expected [USER@][REGISTRY#]IMAGE[:TAG] or a path to a squashfs file)"),
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
        ("", "argument required (expected NAME[:FLAG], e.g. mycontainer:exec)"),
        (":exec", "empty name in ':exec' (expected NAME[:FLAG], e.g. mycontainer:exec)"),
        (":run", "empty name in ':run'"),
        ("train:run", "flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got 'run' in 'train:run')"),
        ("train:", "flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got '' in 'train:')"),
        ("a/b", "invalid name 'a/b': a container name may not contain '/'"),
        ("..", "invalid name '..': a container name may not contain '/' or be '.' or '..'"),
        ("a b", "invalid name 'a b': a container name may not contain spaces or control characters"),
        ("a\nb", "invalid name 'a\\nb': a container name may not contain spaces or control characters"),
        (String(repeating: "x", count: 239), "the name '\(String(repeating: "x", count: 32))'... is 239 bytes long; at most 238 are allowed"),
    ])
    func rejects(value: String, prefix: String) {
        do {
            _ = try ContainerName(parsing: value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
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

    /// pyxis's words first (`invalid format: ENTRY`, `mount source must be ...`), then ours.
    @Test(arguments: [
        ("", "argument required (expected SRC:DST[:FLAGS][,SRC:DST...])"),
        ("/a,,/b", "invalid format: an empty entry in '/a,,/b' (expected SRC:DST[:FLAGS] between commas)"),
        ("/a,", "invalid format: an empty entry in '/a,'"),
        (":/b", "invalid format: :/b (an empty source; expected SRC:DST[:FLAGS])"),
        ("/a:", "invalid format: /a: (an empty target; expected SRC:DST[:FLAGS])"),
        ("/a::ro", "invalid format: /a::ro (an empty target"),
        ("/a:/b:", "invalid format: /a:/b: (':' but no flags after it; expected e.g. SRC:DST:ro+nosuid)"),
        ("/a:/b:ro++nosuid", "invalid format: /a:/b:ro++nosuid (an empty or blank flag in 'ro++nosuid'; separate flags with a single '+', e.g. ro+nosuid)"),
        ("/a:/b:ro:x", "invalid format: /a:/b:ro:x (4 ':'-separated fields; expected SRC:DST[:FLAGS])"),
        ("/a\n/b", "invalid format: '/a\\n/b' (a control character"),
        ("data:/mnt", "mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\": --container-mounts entry 'data:/mnt' has source 'data' (a path starts with / or .)"),
        ("/a:mnt", "mount target must be a relative path or an absolute path: --container-mounts entry '/a:mnt' has target 'mnt' (a path starts with / or .)"),
        ("tmpfs", "mount target must be a relative path or an absolute path: --container-mounts entry 'tmpfs' has none (expected tmpfs:DST)"),
        ("umount", "mount target must be a relative path or an absolute path: --container-mounts entry 'umount' has none (expected umount:DST)"),
    ])
    func rejects(value: String, prefix: String) {
        do {
            _ = try MountSpec.parseList(value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
        }
    }

    @Test func sourceAndTargetErrorsStandAloneAsInPyxis() {
        // pyxis prints them without the option's name; the entry is in our detail.
        #expect(throws: PyxisError("mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\": --container-mounts entry 'data:/d' has source 'data' (a path starts with / or .)")) {
            var options = CommandLineOptions()
            try options.record(.mounts, argument: "/ok,data:/d")
        }
        #expect(throws: PyxisError("--container-mounts: invalid format: :/d (an empty source; expected SRC:DST[:FLAGS])")) {
            var options = CommandLineOptions()
            try options.record(.mounts, argument: ":/d")
        }
    }
}

@Suite struct ListValueTests {
    @Test func unshareKeepsOrderAndDropsRepeats() throws {
        #expect(try UnshareNamespace.parseList("uts,net,uts") == [.uts, .net])
        #expect(UnshareNamespace.net.enrootVariable == "ENROOT_UNSHARE_NET")
    }

    @Test(arguments: [
        ("", "argument required (expected NAMESPACE[,NAMESPACE...] with namespaces net, ipc, uts)"),
        ("pid", "unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts"),
        ("NET", "unknown namespace 'NET' in 'NET'"),
        ("net,", "empty namespace argument in 'net,'; allowed: net, ipc, uts"),
        ("net,,ipc", "empty namespace argument in 'net,,ipc'"),
    ])
    func unshareRejects(value: String, prefix: String) {
        do {
            _ = try UnshareNamespace.parseList(value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
        }
    }

    @Test func environmentNames() throws {
        #expect(try EnvironmentNameList.parse("LANG,LC_ALL,_X1,LANG") == ["LANG", "LC_ALL", "_X1"])
    }

    @Test(arguments: [
        ("", "argument required (expected NAME[,NAME...])"),
        ("A,,B", "invalid format: A,,B (an empty name; expected NAME[,NAME...])"),
        ("A,", "invalid format: A, (an empty name"),
        ("1X", "invalid format: 1X (invalid variable name '1X'; names are letters, digits and '_', not starting with a digit)"),
        ("A=B", "invalid format: A=B (invalid variable name 'A=B'"),
        ("A B", "invalid format: A B (invalid variable name 'A B'"),
    ])
    func environmentNamesRejects(value: String, prefix: String) {
        do {
            _ = try EnvironmentNameList.parse(value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
        }
    }

    @Test(arguments: ["/out/img.sqsh", "img.sqsh", "./a b.sqsh"])
    func saveAccepts(value: String) throws {
        #expect(try PathValue.parseSave(value) == value)
    }

    @Test(arguments: [
        ("", "argument required (expected a path)"),
        ("dir/", "target is a directory: 'dir/' ends with '/'; name the squashfs file to write, e.g. dir/image.sqsh"),
        ("/", "target is a directory: '/' ends with '/'"),
        ("out/.", "target is a directory: 'out/.' names a directory"),
        ("..", "target is a directory: '..' names a directory"),
        ("a\nb", "'a\\nb' contains a control character"),
    ])
    func saveRejects(value: String, prefix: String) {
        do {
            _ = try PathValue.parseSave(value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
        }
    }

    @Test func emptyWorkdirIsAnArgumentRequired() {
        #expect(throws: PyxisError("argument required (expected a path)")) { try PathValue.parseWorkdir("") }
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

    /// pyxis's words first (`unknown configuration option: %s`, `KEY: invalid value: %s`);
    /// where pyxis has no message, ours.
    @Test(arguments: [
        (["foo=bar"], "unknown configuration option: foo=bar (known keys: runtime_path, execute_entrypoint, container_scope, sbatch_support, use_enroot_load, importer, use_squashfuse, image_cache, image_cache_max, image_cache_user, image_cache_fallback, image_cache_command, image_cache_tag_ttl)"),
        (["runtime_path"], "unknown configuration option: runtime_path (plugstack arguments are key=value; known keys: runtime_path,"),
        (["runtime_path=relative"], "plugstack argument runtime_path='relative': expected an absolute path"),
        (["runtime_path=/"], "plugstack argument runtime_path=/: the runtime directory cannot be /"),
        (["runtime_path=/run/../etc"], "plugstack argument runtime_path='/run/../etc': the path may not contain '.' or '..' components"),
        (["execute_entrypoint=maybe"], "execute_entrypoint: invalid value: maybe (expected 1, true, yes, y, 0, false, no or n)"),
        (["container_scope=node"], "container_scope: invalid value: node (expected job or global)"),
        (["sbatch_support="], "sbatch_support: invalid value: (an empty value; expected 1, true"),
        (["use_enroot_load=on"], "use_enroot_load: invalid value: on (expected 1, true"),
        (["use_squashfuse=sometimes"], "use_squashfuse: invalid value: sometimes (expected auto, 1, true, yes, y, 0, false, no or n)"),
        (["importer=importer"], "plugstack argument importer='importer': expected an absolute path"),
        (["sbatch_support=0", "sbatch_support=1"], "plugstack argument sbatch_support given twice with different values: '0' and '1'"),
    ])
    func rejects(arguments: [String], prefix: String) {
        do {
            _ = try PluginConfig(arguments: arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
        }
    }
}
