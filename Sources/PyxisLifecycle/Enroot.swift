import PyxisCore
import PyxisSystem

/// How a failed enroot or importer command ended, and what it printed.
public struct CommandFailure: Error, Equatable, Sendable {
    /// `enroot import exited with status 1`, `... was killed by signal 9`, or why it could not run.
    public var ending: String
    public var log: [String]
    /// The exit status, when the command exited non-zero.
    public var status: Int32?
    /// The signal, when the command was killed (slurmstepd signals what it runs on a cancel).
    public var signal: Int32?

    public init(ending: String, log: [String] = [], status: Int32? = nil, signal: Int32? = nil) {
        self.ending = ending
        self.log = log
        self.status = status
        self.signal = signal
    }
}

/// `enroot start`'s container process once it stopped itself, and what it printed so far.
public struct StartedContainer: Equatable, Sendable {
    public var pid: Int32
    public var log: [String]

    public init(pid: Int32, log: [String]) {
        self.pid = pid
        self.log = log
    }
}

/// Why `enroot start` did not leave a stopped container process.
public enum StartFailure: Error, Equatable, Sendable {
    case exited(code: Int32, log: [String])
    case signaled(Int32, log: [String])
    case couldNotRun(String)
}

/// The enroot commands the lifecycle runs (docs/design.md, "The enroot contract"), for the job's
/// user. `EnrootCommandLine` runs the real one; tests use a fake.
public protocol Enroot: AnyObject {
    /// The `enroot` executable (for messages and for reading its installation).
    var path: String { get }
    /// `enroot list -f`.
    func list() throws(CommandFailure) -> EnrootListing
    /// `enroot import --output FILE URI`.
    func importImage(_ uri: String, to file: String) throws(CommandFailure)
    /// `enroot load --name NAME URI`.
    func load(_ uri: String, name: String) throws(CommandFailure)
    /// `enroot create --name NAME FILE`.
    func create(name: String, from file: String) throws(CommandFailure)
    /// `enroot start --conf CONF TARGET sh -c 'kill -STOP $$ ; exit 0'`, waited for until that
    /// shell has stopped itself.
    func start(_ target: String, configuration: String) throws(StartFailure) -> StartedContainer
    /// `enroot export -f -o FILE NAME`.
    func export(name: String, to file: String) throws(CommandFailure)
    /// `enroot remove -f NAME...`.
    func remove(_ names: [String]) throws(CommandFailure)
}

/// The site's importer (plugstack `importer=`): `get URI` prints a squashfs path, `release`
/// frees what `get` made.
public protocol Importer: AnyObject {
    var path: String { get }
    /// The first line `IMPORTER get URI` printed on stdout, and its log (stderr).
    func get(_ uri: String) throws(CommandFailure) -> (path: String, log: [String])
    func release() throws(CommandFailure)
}

/// The image cache (`pyxis-image-cache`, run as the job's user): the squashfs file of an image
/// in the user's cache directory, imported there first when no step has.
public protocol ImageCacheClient: AnyObject {
    var path: String { get }
    /// `pyxis-image-cache get --cache DIRECTORY [--max LIMIT] [--tag-ttl SECONDS] [--damaged FILE] URI`:
    /// with `damaged`, the file a step could not start from is checked first, and removed (so
    /// imported again) when it is damaged.
    /// `damaged` is the file a step could not start from, with its identity (`DEVICE:INODE`) as
    /// `get` gave it: a file replaced since by another step's import is not checked again.
    /// `step` (`JOBID.STEPID`): the file gets a reference for that step until `release`, so
    /// that no eviction takes it while the step runs (docs/image-cache.md, "In use").
    func get(_ uri: String, directory: String, limit: UInt64, tagTTL: UInt32, step: String?,
             damaged: (file: String, identity: String?)?) throws(CommandFailure) -> ImageCacheAnswer
    /// `pyxis-image-cache release --cache DIRECTORY --step STEP`: the step's references on this node go.
    func release(directory: String, step: String) throws(CommandFailure)
}

public struct ImageCacheAnswer: Equatable, Sendable {
    public enum Outcome: String, Equatable, Sendable {
        case hit, imported, waited
    }
    public var path: String
    public var outcome: Outcome
    /// What the command reported (waiting, taking over, evicting), for `-v`.
    public var log: [String]
    /// Which file `path` was when the command answered (`DEVICE:INODE`).
    public var identity: String?

    public init(path: String, outcome: Outcome, log: [String] = [], identity: String? = nil) {
        self.path = path
        self.outcome = outcome
        self.log = log
        self.identity = identity
    }
}
