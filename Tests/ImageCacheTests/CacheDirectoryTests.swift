#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import ImageCache

/// The cache directory on a real file system (a fresh directory under /tmp per test).
@Suite struct CacheDirectoryTests {
    let base: String

    init() {
        var template = Array("/tmp/pyxis-cache-test-XXXXXX".utf8CString)
        base = String(cString: mkdtemp(&template)!)
    }

    func cleanUp() { _ = system("rm -rf '\(base)'") }

    /// A squashfs-looking file: the magic, and bytes_used (offset 40) = USED.
    func writeSquashfs(_ path: String, size: Int, used: UInt64) {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes[0...3] = [0x68, 0x73, 0x71, 0x73]
        for i in 0..<8 { bytes[40 + i] = UInt8((used >> (8 * UInt64(i))) & 0xff) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = write(fd, bytes, bytes.count)
        close(fd)
    }

    @Test func createsAPrivateDirectoryWithItsParents() throws {
        defer { cleanUp() }
        let directory = try CacheDirectory(base + "/a/b/")
        #expect(directory.path == base + "/a/b")
        var info = stat()
        stat(base + "/a/b", &info)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test func refusesADirectoryOpenToOthersOrALink() throws {
        defer { cleanUp() }
        mkdir(base + "/open", 0o755)
        chmod(base + "/open", 0o755)
        #expect(throws: CacheError("the cache directory \(base)/open is open to other users (mode 755); make it private with chmod 700")) {
            try CacheDirectory(base + "/open")
        }
        mkdir(base + "/real", 0o700)
        symlink(base + "/real", base + "/link")
        #expect(throws: CacheError.self) { try CacheDirectory(base + "/link") }
        #expect(throws: CacheError("the cache directory must be an absolute path: 'relative'")) { try CacheDirectory("relative") }
    }

    /// A parent another user can write lets them swap the cache for a link between the check and
    /// enroot's use: refused, whoever owns it.
    @Test func refusesAParentWritableByOthers() throws {
        defer { cleanUp() }
        mkdir(base + "/shared", 0o777)
        chmod(base + "/shared", 0o777)
        #expect(throws: CacheError("the cache directory's parent \(base)/shared is writable by others (mode 777): another user could redirect the cache; chmod go-w \(base)/shared")) {
            try CacheDirectory(base + "/shared/images")
        }
        chmod(base + "/shared", 0o755)
        #expect(try CacheDirectory(base + "/shared/images").path == base + "/shared/images")
    }

    /// Links among the parents are resolved and what they lead to is checked; enroot is handed
    /// the resolved path.
    @Test func aLinkedParentIsResolvedAndChecked() throws {
        defer { cleanUp() }
        mkdir(base + "/real", 0o755)
        symlink(base + "/real", base + "/linked")
        #expect(try CacheDirectory(base + "/linked/cache").path == base + "/real/cache")
        chmod(base + "/real", 0o777)
        #expect(throws: CacheError.self) { try CacheDirectory(base + "/linked/cache2") }
    }

    /// Another user's directory, as the cache or as a parent of it.
    @Test(.enabled(if: geteuid() == 0, "needs root: only root can make a directory another user owns"),
          arguments: [(mode_t(0o700), "/theirs"), (mode_t(0o755), "/theirs/mine")])
    func refusesAnotherUsersDirectory(mode: mode_t, cache: String) throws {
        defer { cleanUp() }
        mkdir(base + "/theirs", mode)
        chown(base + "/theirs", 65534, 65534)
        #expect(throws: CacheError.self) { try CacheDirectory(base + cache) }
    }

    @Test func onlyCompleteSquashfsFilesAreUsable() throws {
        defer { cleanUp() }
        let directory = try CacheDirectory(base + "/c")
        writeSquashfs(base + "/c/complete", size: 4096, used: 4000)
        writeSquashfs(base + "/c/truncated", size: 4096, used: 8000)
        writeSquashfs(base + "/c/tiny", size: 50, used: 10)
        let fd = open(base + "/c/text", O_WRONLY | O_CREAT, 0o600); _ = write(fd, "hello", 5); close(fd)
        symlink(base + "/c/complete", base + "/c/link")
        #expect(directory.isUsable("complete"))
        #expect(!directory.isUsable("truncated"))
        #expect(!directory.isUsable("tiny"))
        #expect(!directory.isUsable("text"))
        #expect(!directory.isUsable("link"))
        #expect(!directory.isUsable("missing"))
    }

    @Test func locksAreExclusiveAndAStaleOneIsRemovedOnlyIfUnchanged() throws {
        defer { cleanUp() }
        let directory = try CacheDirectory(base + "/l")
        #expect(try directory.createExclusively("x.lock", text: "first\n"))
        #expect(try !directory.createExclusively("x.lock", text: "second\n"))
        #expect(directory.read("x.lock")?.text == "first\n")
        #expect(!directory.removeIfUnchanged("x.lock", text: "other\n"))
        #expect(directory.read("x.lock")?.text == "first\n")
        #expect(directory.removeIfUnchanged("x.lock", text: "first\n"))
        #expect(!directory.exists("x.lock"))
    }

    @Test func listsOnlyCacheFiles() throws {
        defer { cleanUp() }
        let directory = try CacheDirectory(base + "/e")
        let name = "sha256-" + String(repeating: "c", count: 64) + ".sqsh"
        writeSquashfs(base + "/e/" + name, size: 4096, used: 4096)
        writeSquashfs(base + "/e/.partial-cccc-node1-1.sqsh", size: 4096, used: 4096)
        #expect(try directory.createExclusively(name + ".lock", text: "x"))
        #expect(directory.entries().map(\.name) == [name])
        #expect(directory.entries().first?.bytes == 4096)
    }
}
