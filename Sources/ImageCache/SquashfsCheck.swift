import PyxisSystem

/// A full read of a squashfs file's metadata (`unsquashfs -lls`: every inode and directory),
/// for a cache file a step could not start from. The superblock check that every hit makes
/// cannot see damage inside the file; this one does, at the cost of reading all metadata, so it
/// runs only after a failure, to tell a damaged file from a failure that lies elsewhere.
public protocol SquashfsChecker {
    /// Why the file cannot be read, or nil when it can.
    func damage(of path: String) -> String?
}

public struct Unsquashfs: SquashfsChecker {
    public let path: String

    public init(path: String) { self.path = path }

    public func damage(of file: String) -> String? {
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(path, arguments: ["-no-progress", "-lls", file], environment: ["LC_ALL=C"],
                                           identity: .inherited, captureOutput: true)
        } catch {
            return "cannot run \(path): \(error.description)"
        }
        guard !result.succeeded else { return nil }
        return result.logLines.last ?? "\(path) -lls failed"
    }
}
