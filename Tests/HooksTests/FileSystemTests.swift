import Glibc
@testable import HookSupport
import Testing

/// The file operations of the standard hooks, in a scratch directory.
struct FileSystemTests {
    let directory: String

    init() throws {
        var template = Array("/tmp/pyxis-filesystem-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RunnerError("mkdtemp failed") }
        directory = String(cString: made)
    }

    func cleanUp() { _ = Subprocess.run(["rm", "-rf", directory]) }

    @Test(arguments: [("/a/b/c", "/a/b"), ("/a/b/", "/a"), ("/a", "/"), ("a", "."), ("/", "/")])
    func directoryName(_ path: String, _ expected: String) {
        defer { cleanUp() }
        #expect(FileSystem.directoryName(path) == expected)
    }

    @Test func canonicalFollowsLinksLikeReadlinkF() throws {
        defer { cleanUp() }
        mkdir(directory + "/zone", 0o755)
        mkdir(directory + "/zone/Etc", 0o755)
        try FileSystem.createFile(directory + "/zone/Etc/UTC", Array("TZif".utf8))
        try FileSystem.symlink("zone/Etc/UTC", at: directory + "/localtime")
        try FileSystem.symlink(directory + "/missing", at: directory + "/dangling")
        #expect(FileSystem.canonical(directory + "/localtime") == directory + "/zone/Etc/UTC")
        #expect(FileSystem.canonical(directory + "/dangling") == directory + "/missing")
        #expect(FileSystem.canonical(directory + "/nowhere/x") == nil)
    }

    @Test func replaceSetsTheModeAndNeverWritesThroughALink() throws {
        defer { cleanUp() }
        try FileSystem.createFile(directory + "/victim", Array("keep".utf8))
        try FileSystem.symlink(directory + "/victim", at: directory + "/passwd")
        try FileSystem.replace(directory + "/passwd", Array("root:x:0:0::/:/bin/sh\n".utf8), mode: 0o600)
        #expect(FileSystem.kind(directory + "/passwd", follow: false) == .regular)
        #expect(FileSystem.status(directory + "/passwd").map { $0.st_mode & 0o7777 } == 0o600)
        #expect(try Files.read(directory + "/victim", what: "file", missingOK: false) == Array("keep".utf8))
        try FileSystem.overwrite(directory + "/passwd", Array("x\n".utf8))
        #expect(FileSystem.status(directory + "/passwd").map { $0.st_mode & 0o7777 } == 0o600)
        #expect(throws: HookFailure.self) { try FileSystem.createFile(directory + "/passwd", []) }
    }
}
