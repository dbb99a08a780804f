#if canImport(Glibc)
import Glibc
#endif
import PyxisSystem

/// A cache directory on disk, private to its user, opened so that no other user can redirect it:
/// every directory from `/` down is opened with O_NOFOLLOW relative to its parent and must
/// belong to root or to the user and be writable by no one else (a root-owned directory with the
/// sticky bit, such as /tmp, is fine: others cannot rename what is not theirs); the cache itself
/// is created 0700 when missing and must be the user's and closed to others. Symbolic links on
/// the way are resolved first (realpath of the part that exists) and the result checked the same
/// way. Every file operation afterwards is relative to the directory's descriptor and does not
/// follow symbolic links, and files are created 0600.
public final class CacheDirectory: CacheStorage {
    public let path: String
    private let fd: Int32

    /// Opens (creating when missing, with its parents) the cache directory PATH of the calling user.
    public init(_ path: String) throws(CacheError) {
        guard path.hasPrefix("/") else { throw CacheError("the cache directory must be an absolute path: '\(path)'") }
        let given = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        // What enroot is handed is the path checked: links of the parents resolved.
        let components = Self.resolved(given)
        self.path = "/" + components.joined(separator: "/")
        fd = try Self.walk(components, shown: given)
    }

    deinit { close(fd) }

    /// PATH's parents with the symbolic links of their existing part resolved (realpath), the
    /// rest and the cache's own name appended: the cache itself is never a link.
    private static func resolved(_ path: String) -> [String] {
        let all = path.split(separator: "/").map(String.init)
        guard let name = all.last else { return [] }
        let components = Array(all.dropLast())
        var existing = components.count
        while existing > 0 {
            let prefix = "/" + components[..<existing].joined(separator: "/")
            if let real = realpath(prefix, nil) {
                defer { free(real) }
                return String(cString: real).split(separator: "/").map(String.init) + components[existing...] + [name]
            }
            existing -= 1
        }
        return all
    }

    /// Opens each component from `/` with O_NOFOLLOW, creating the missing ones 0700, and
    /// checks each as the type says; returns the last one's descriptor.
    private static func walk(_ components: [String], shown: String) throws(CacheError) -> Int32 {
        let me = geteuid()
        var fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw CacheError("cannot open /: \(SystemError.reason(errno))") }
        var current = ""
        for (index, component) in components.enumerated() {
            current += "/" + component
            let last = index == components.count - 1
            var next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT {
                if mkdirat(fd, component, 0o700) != 0, errno != EEXIST {
                    let code = errno
                    close(fd)
                    throw CacheError("cannot create the cache directory \(current): \(SystemError.reason(code))")
                }
                next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let code = errno
            close(fd)
            guard next >= 0 else {
                if code == ELOOP || code == ENOTDIR {
                    throw CacheError(last ? "the cache directory \(shown) is a symbolic link or not a directory: the cache refuses it"
                                          : "the cache directory \(shown): \(current) is not a directory (or became a symbolic link): the cache refuses it")
                }
                throw CacheError("cannot open the cache directory \(current): \(SystemError.reason(code))")
            }
            fd = next
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw CacheError("cannot stat \(current): \(SystemError.reason(code))")
            }
            if let problem = last ? Self.problemWithCache(info, current, me: me) : Self.problemOnTheWay(info, current, me: me) {
                close(fd)
                throw CacheError(problem)
            }
        }
        return fd
    }

    /// A directory on the way to the cache: another user who could write it could swap the
    /// next component for a link to a directory of theirs.
    static func problemOnTheWay(_ info: stat, _ path: String, me: uid_t) -> String? {
        let mode = String(info.st_mode & 0o7777, radix: 8)
        guard info.st_uid == 0 || info.st_uid == me else {
            return "the cache directory's parent \(path) belongs to uid \(info.st_uid) (mode \(mode)): another user could redirect the cache; every directory on the way must be root's or yours"
        }
        let openToOthers = info.st_mode & 0o022 != 0
        let rootSticky = info.st_uid == 0 && info.st_mode & UInt32(S_ISVTX) != 0
        guard !openToOthers || rootSticky else {
            return "the cache directory's parent \(path) is writable by others (mode \(mode)): another user could redirect the cache; chmod go-w \(path)"
        }
        return nil
    }

    static func problemWithCache(_ info: stat, _ path: String, me: uid_t) -> String? {
        if info.st_uid != me {
            return "the cache directory \(path) belongs to uid \(info.st_uid), not to you (uid \(me)): a cache is never shared between users"
        }
        if info.st_mode & 0o077 != 0 {
            return "the cache directory \(path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))); make it private with chmod 700"
        }
        return nil
    }

    public func entries() -> [Eviction.Entry] {
        files { ImageDigest(fileName: $0) != nil }.map { entry in
            var entry = entry
            if let marker = lstatAt(Eviction.Entry.usedMarker(entry.name)) {
                entry.lastUsed = max(entry.lastUsed, Int64(marker.st_mtim.tv_sec))
            }
            return entry
        }
    }

    public func references() -> [String] { names { $0.hasPrefix(UseReference.prefix) } }

    public func link(_ name: String, as reference: String) throws(CacheError) -> Bool {
        guard linkat(fd, name, fd, reference, 0) == 0 else {
            if errno == ENOENT { return false }
            throw CacheError("cannot link \(path)/\(name) to \(reference): \(SystemError.reason(errno))")
        }
        return true
    }

    public func markUsed(_ name: String) {
        let marker = Eviction.Entry.usedMarker(name)
        if utimensat(fd, marker, nil, AT_SYMLINK_NOFOLLOW) != 0 {
            let file = openat(fd, marker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if file >= 0 { close(file) }
        }
    }

    public func partials() -> [Eviction.Entry] { files { $0.hasPrefix(".partial-") && $0.hasSuffix(".sqsh") } }

    /// The regular files whose names `matching` accepts.
    private func files(_ matching: (String) -> Bool) -> [Eviction.Entry] {
        names(matching).compactMap { name in
            guard let info = lstatAt(name), info.st_mode & S_IFMT == S_IFREG else { return nil }
            return Eviction.Entry(name: name, bytes: UInt64(info.st_size), lastUsed: Int64(info.st_mtim.tv_sec),
                                  inUse: info.st_nlink > 1)
        }
    }

    /// The names in the directory that `matching` accepts.
    private func names(_ matching: (String) -> Bool) -> [String] {
        // A descriptor of its own (a dup would share the read position with `fd`).
        let listFD = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard listFD >= 0 else { return [] }
        guard let dir = fdopendir(listFD) else { close(listFD); return [] }
        defer { closedir(dir) }
        var result: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if matching(name) { result.append(name) }
        }
        return result
    }

    private func lstatAt(_ name: String) -> stat? {
        var info = stat()
        return fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? info : nil
    }

    public func exists(_ name: String) -> Bool { lstatAt(name) != nil }

    public func isUsable(_ name: String) -> Bool { inspect(name) == .usable }

    public func inspect(_ name: String) -> CacheFileState {
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard file >= 0 else {
            // A link or something else that will not open: there, and never used.
            return lstatAt(name).map { .broken(FileID(device: UInt64($0.st_dev), inode: UInt64($0.st_ino))) } ?? .missing
        }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0 else { return .missing }
        let id = FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        guard info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(), info.st_size >= 96 else { return .broken(id) }
        // A squashfs superblock: the magic, and bytes_used (offset 40) no larger than the file, so
        // a truncated file is not taken for a complete one.
        var superblock = [UInt8](repeating: 0, count: 96)
        guard pread(file, &superblock, 96, 0) == 96, superblock[0...3] == [0x68, 0x73, 0x71, 0x73] else { return .broken(id) }
        let used = (0..<8).reduce(UInt64(0)) { $0 | UInt64(superblock[40 + $1]) << (8 * UInt64($1)) }
        return used <= UInt64(info.st_size) ? .usable : .broken(id)
    }

    public func identity(_ name: String) -> FileID? {
        lstatAt(name).map { FileID(device: UInt64($0.st_dev), inode: UInt64($0.st_ino)) }
    }

    public func removeIfSame(_ name: String, identity: FileID) -> Bool {
        removeIfStill(name, aside: ".\(name).discard-\(Unique.suffix())") { self.identity($0) == identity }
    }

    public func touch(_ name: String) {
        _ = utimensat(fd, name, nil, AT_SYMLINK_NOFOLLOW)
    }

    public func remove(_ name: String) throws(CacheError) {
        guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else {
            throw CacheError("cannot remove \(path)/\(name): \(SystemError.reason(errno))")
        }
    }

    public func rename(_ from: String, to: String) throws(CacheError) {
        guard renameat(fd, from, fd, to) == 0 else {
            throw CacheError("cannot rename \(path)/\(from) to \(to): \(SystemError.reason(errno))")
        }
    }

    public func createExclusively(_ name: String, text: String) throws(CacheError) -> Bool {
        let file = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if file < 0 {
            if errno == EEXIST { return false }
            throw CacheError("cannot create \(path)/\(name): \(SystemError.reason(errno))")
        }
        defer { close(file) }
        let bytes = Array(text.utf8)
        guard write(file, bytes, bytes.count) == bytes.count else {
            let code = errno
            _ = unlinkat(fd, name, 0)
            throw CacheError("cannot write \(path)/\(name): \(SystemError.reason(code))")
        }
        return true
    }

    public func replace(_ name: String, text: String) throws(CacheError) {
        let temporary = ".\(name).\(Unique.suffix()).new"
        _ = unlinkat(fd, temporary, 0)
        guard try createExclusively(temporary, text: text) else {
            throw CacheError("cannot create \(path)/\(temporary): it exists")
        }
        try rename(temporary, to: name)
    }

    public func read(_ name: String) -> FileSnapshot? {
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = Glibc.read(file, &buffer, buffer.count)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let text = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileSnapshot(text: text, age: max(0, Int64(now.tv_sec) - Int64(info.st_mtim.tv_sec)),
                            stamp: FileStamp(inode: UInt64(info.st_ino), modified: modified))
    }

    public func removeIfUnchanged(_ name: String, text: String) -> Bool {
        removeIfStill(name, aside: "\(name).takeover-\(Unique.suffix())") { self.read($0)?.text == text }
    }

    /// Removes NAME if, once moved aside (atomic), it is still what `isTheOne` expects; a file
    /// another step put there meanwhile is put back with link(), which fails rather than
    /// replace a newer one.
    private func removeIfStill(_ name: String, aside: String, _ isTheOne: (String) -> Bool) -> Bool {
        guard renameat(fd, name, fd, aside) == 0 else { return false }
        if isTheOne(aside) {
            _ = unlinkat(fd, aside, 0)
            return true
        }
        _ = linkat(fd, aside, fd, name, 0)
        _ = unlinkat(fd, aside, 0)
        return false
    }
}
