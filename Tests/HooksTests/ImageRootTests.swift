import Glibc
@testable import HookSupport
import Testing

/// Paths in the image resolve inside it: an image's links never lead a hook's write to the host.
struct ImageRootTests {
    let directory: String
    var rootfs: String { directory + "/rootfs" }
    /// A directory of "the host" that the image's links name.
    var host: String { directory + "/host" }

    init() throws {
        var template = Array("/tmp/pyxis-imageroot-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RunnerError("mkdtemp failed") }
        directory = String(cString: made)
        for path in [rootfs, host, rootfs + "/usr", rootfs + "/usr/etc"] { mkdir(path, 0o755) }
        try FileSystem.createFile(host + "/passwd", Array("host's\n".utf8))
    }

    func cleanUp() { _ = Subprocess.run(["rm", "-rf", directory]) }

    func read(_ path: String) throws -> String? {
        try Files.read(path, what: "file", missingOK: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The link's target before the host directory's absolute path: nothing (an absolute
    /// link), or `..`s that would climb out of the root on the host.
    @Test(arguments: ["", "../../../..", "usr/../../.."])
    func aLinkToTheHostResolvesInsideTheImage(_ climb: String) throws {
        defer { cleanUp() }
        // /etc -> the host's directory (absolute, or climbing out with ..): inside the image
        // that is a directory of the image, which does not exist.
        try FileSystem.symlink(climb + host, at: rootfs + "/etc")
        let root = try ImageRoot(rootfs)
        #expect(throws: HookFailure.self) { try FileSystem.replace(try root.entry("/etc/passwd"), Array("image's\n".utf8), mode: 0o644) }
        #expect(try read(host + "/passwd") == "host's\n")
        // Made there, the write lands in the image's copy.
        try ImageRoot(rootfs).makeDirectories(host)
        try FileSystem.replace(try ImageRoot(rootfs).entry("/etc/passwd"), Array("image's\n".utf8), mode: 0o644)
        #expect(try read(rootfs + host + "/passwd") == "image's\n")
        #expect(try read(host + "/passwd") == "host's\n")
    }

    @Test func aLinkInsideTheImageIsFollowedThere() throws {
        defer { cleanUp() }
        try FileSystem.symlink("usr/etc", at: rootfs + "/etc")
        let root = try ImageRoot(rootfs)
        try FileSystem.createFile(try root.entry("/etc/group"), Array("g\n".utf8))
        #expect(try read(rootfs + "/usr/etc/group") == "g\n")
        #expect(try root.target("/etc/group").hasSuffix("/group"))
        #expect(try read(try root.target("/etc/group")) == "g\n")
    }

    @Test func theLastComponentIsReplacedNotFollowedWhenWritten() throws {
        defer { cleanUp() }
        try FileSystem.symlink(host + "/passwd", at: rootfs + "/usr/etc/passwd")
        let root = try ImageRoot(rootfs)
        // Read where the link leads inside the image: nothing there.
        #expect(try read(try root.target("/usr/etc/passwd")) == nil)
        try FileSystem.replace(try root.entry("/usr/etc/passwd"), Array("new\n".utf8), mode: 0o644)
        #expect(FileSystem.kind(rootfs + "/usr/etc/passwd", follow: false) == .regular)
        #expect(try read(host + "/passwd") == "host's\n")
    }

    @Test func makeDirectoriesCreatesInsideTheImage() throws {
        defer { cleanUp() }
        try FileSystem.symlink(host, at: rootfs + "/etc")
        let root = try ImageRoot(rootfs)
        // As `mkdir -p` in the container: a link to a directory the image lacks is an error.
        #expect(throws: HookFailure.self) { try root.makeDirectories("/etc/apt/apt.conf.d") }
        #expect(FileSystem.kind(host + "/apt") == nil)
        try root.makeDirectories(host)
        try root.makeDirectories("/etc/apt/apt.conf.d")
        #expect(FileSystem.kind(rootfs + host + "/apt/apt.conf.d") == .directory)
        #expect(FileSystem.kind(host + "/apt") == nil)
    }

    @Test func copyTreeFollowsTheSkeletonsLinksInsideTheImage() throws {
        defer { cleanUp() }
        mkdir(rootfs + "/skel", 0o755)
        mkdir(rootfs + "/skel/.config", 0o751)
        try FileSystem.createFile(rootfs + "/skel/.config/rc", Array("rc".utf8))
        try FileSystem.symlink(".config/rc", at: rootfs + "/skel/.link")
        try FileSystem.symlink(host + "/passwd", at: rootfs + "/skel/.secret")
        let root = try ImageRoot(rootfs)
        try root.makeDirectories("/home/user", mode: 0o700)
        try root.copyTree("/skel", into: "/home/user")
        #expect(try read(rootfs + "/home/user/.link") == "rc")
        #expect(FileSystem.kind(rootfs + "/home/user/.link", follow: false) == .regular)
        #expect(FileSystem.status(rootfs + "/home/user/.config").map { $0.st_mode & 0o7777 } == 0o751)
        #expect(FileSystem.status(rootfs + "/home/user").map { $0.st_mode & 0o7777 } == 0o755)
        // The host's file is not copied in: in the image the link leads nowhere.
        #expect(FileSystem.kind(rootfs + "/home/user/.secret", follow: false) == nil)
    }

    @Test func aLinkLoopFails() throws {
        defer { cleanUp() }
        try FileSystem.symlink("b", at: rootfs + "/a")
        try FileSystem.symlink("a", at: rootfs + "/b")
        #expect(throws: HookFailure.self) { try ImageRoot(rootfs).entry("/a/x") }
    }

    @Test func messagesNameTheImagesDirectory() throws {
        defer { cleanUp() }
        let root = try ImageRoot(rootfs)
        let path = try root.entry("/usr/etc/shadow")
        #expect(path.hasPrefix("/proc/self/fd/"))
        #expect(ImageRoot.displayed("cannot write \(path): Permission denied") == "cannot write \(rootfs)/usr/etc/shadow: Permission denied")
    }
}
