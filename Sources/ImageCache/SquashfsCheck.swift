import PyxisSystem

/// A full read of a squashfs file's metadata (`unsquashfs -lls`: every inode and directory),
/// for a cache file a step could not start from. The superblock check that every hit makes
/// cannot see damage inside the file; this one does, at the cost of reading all metadata, so it
/// runs only after a failure, to tell a damaged file from a failure that lies elsewhere.
public protocol SquashfsChecker {
    func check(_ path: String) -> SquashfsVerdict
}

public enum SquashfsVerdict: Equatable, Sendable {
    /// Every inode and directory reads.
    case sound
    /// The file's own bytes are bad (a block that does not read or decompress, no superblock).
    case damaged(String)
    /// The check itself failed (no unsquashfs, a compressor it lacks, no memory, a signal):
    /// no evidence against the file, which is kept.
    case inconclusive(String)
}

public struct Unsquashfs: SquashfsChecker {
    public let path: String

    public init(path: String) { self.path = path }

    /// What squashfs-tools prints when the file's bytes are at fault, and only then.
    static let damageMarks = ["failed to read", "read_block", "read_inode", "read_fragment", "read_id", "uncompress failed",
                              "Can't find a SQUASHFS superblock", "corrupt", "bad compressed", "failed to decompress"]
    /// What it prints when it, not the file, cannot go on.
    static let inconclusiveMarks = ["unsupported", "Out of memory", "out of memory", "Cannot allocate", "Decompressors available"]

    public func check(_ file: String) -> SquashfsVerdict {
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(path, arguments: ["-no-progress", "-lls", file], environment: ["LC_ALL=C"],
                                           identity: .inherited, captureOutput: true)
        } catch {
            return .inconclusive("cannot run \(path): \(error.description)")
        }
        return Self.verdict(result.termination, log: result.logLines)
    }

    static func verdict(_ termination: ProcessResult.Termination, log: [String]) -> SquashfsVerdict {
        switch termination {
        case .exited(0):
            return .sound
        case .signaled(let signal):
            return .inconclusive("unsquashfs was killed by signal \(signal)")
        case .exited(let status):
            let last = log.last ?? "unsquashfs -lls exited with status \(status)"
            if log.contains(where: { line in inconclusiveMarks.contains(where: { mark in has(line, mark) }) }) { return .inconclusive(last) }
            if log.contains(where: { line in damageMarks.contains(where: { mark in has(line, mark) }) }) { return .damaged(last) }
            return .inconclusive(last)
        }
    }

    private static func has(_ line: String, _ mark: String) -> Bool {
        let haystack = Array(line.utf8), needle = Array(mark.utf8)
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
