// pyxis-image-cache: the image cache's command (docs/image-cache.md). For users and sites it
// lists, fills and prunes a cache directory; for the plugin it is the importer of a cached
// step (`get --step ID URI` prints the squashfs file and holds it for the step; `release --step
// ID` lets it go at the teardown, and the file stays cached).
import ArgumentParser
import ImageCache
import PyxisCore
import PyxisSystem
#if canImport(Glibc)
import Glibc
#endif

struct CacheOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The cache directory (default: $PYXIS_IMAGE_CACHE).", valueName: "dir"))
    var cache: String?

    @Option(name: .long, help: ArgumentHelp("Keep the cache under this size: bytes, or with K, M, G, T (default: $PYXIS_IMAGE_CACHE_MAX; 0: no limit).", valueName: "size"))
    var max: String?

    @Option(name: .customLong("tag-ttl"), help: ArgumentHelp("Trust a tag's digest looked up less than this many seconds ago, without asking the registry (default: $PYXIS_IMAGE_CACHE_TAG_TTL, else 0: always ask).", valueName: "seconds"))
    var tagTTL: Int64?

    @Option(name: .customLong("import-time-limit"), help: ArgumentHelp("Stop an import still running after this many seconds, with everything it started (default: $PYXIS_IMAGE_CACHE_IMPORT_TIME_LIMIT, else \(EnrootImages.defaultImportTimeLimit); 0: no limit).", valueName: "seconds"))
    var importTimeLimit: Int?

    func directory() throws -> CacheDirectory {
        guard let path = cache ?? environment("PYXIS_IMAGE_CACHE"), !path.isEmpty else {
            throw ValidationError("no cache directory: give --cache DIR or set PYXIS_IMAGE_CACHE")
        }
        do {
            return try CacheDirectory(path)
        } catch {
            throw Failure(error.description, status: Failure.cacheUnusable)
        }
    }

    func limit() throws -> UInt64 {
        guard let text = max ?? environment("PYXIS_IMAGE_CACHE_MAX"), !text.isEmpty else { return 0 }
        do {
            return try SizeLimit.parse(text)
        } catch {
            throw ValidationError("--max: \(error.description)")
        }
    }

    func fetch() throws -> CacheFetch {
        guard let enroot = Executables.find("enroot", in: environment("PATH") ?? Executables.defaultPath) else {
            throw Failure("enroot is not in PATH")
        }
        let timeLimit = importTimeLimit ?? environment("PYXIS_IMAGE_CACHE_IMPORT_TIME_LIMIT").flatMap { Int($0) } ?? EnrootImages.defaultImportTimeLimit
        guard timeLimit >= 0 else { throw ValidationError("--import-time-limit: expected a number of seconds, not \(timeLimit)") }
        var registry = RegistryLookup(enroot: EnrootImages(enroot: enroot, environment: currentEnvironment(), importTimeLimit: timeLimit),
                                      curl: Executables.find("curl", in: environment("PATH") ?? Executables.defaultPath),
                                      settings: lookupSettings(enroot: enroot))
        registry.report = { say($0) }
        var fetch = CacheFetch(storage: try directory(), registry: registry, clock: SystemClock())
        fetch.limit = try limit()
        fetch.tagTTL = tagTTL ?? environment("PYXIS_IMAGE_CACHE_TAG_TTL").flatMap { Int64($0) } ?? 0
        guard fetch.tagTTL >= 0 else { throw ValidationError("--tag-ttl: expected a number of seconds, not \(fetch.tagTTL)") }
        fetch.report = { say($0) }
        return fetch
    }
}

/// The step a `get` is for (the plugin passes both): its file gets a reference until
/// `release --step`, so no eviction takes it while the step runs (docs/image-cache.md, "In use").
struct StepOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The step that will use the file (JOBID.STEPID).", valueName: "id"))
    var step: String?
    @Option(help: ArgumentHelp("The step's slurmstepd on this node: its reference is stale once that process is gone.", valueName: "pid"))
    var stepPid: Int32?

    func holder() throws -> UseReference.Holder? {
        guard let step else {
            guard stepPid == nil else { throw ValidationError("--step-pid needs --step") }
            return nil
        }
        guard UseReference.Holder.isValidStep(step) else { throw ValidationError("--step: not a step id: '\(step)'") }
        let clock = SystemClock()
        guard let pid = stepPid, pid > 0, clock.processExists(pid) else {
            throw ValidationError("--step needs --step-pid, the pid of a running process")
        }
        return UseReference.Holder(host: clock.host, step: step, pid: pid, start: clock.processStart(pid) ?? 0)
    }
}

/// What the native digest look-up shares with enroot: the environment, enroot.conf and its
/// drop-ins (where the enroot script at ENROOT says: its `config::init`), the machine, the
/// user's credentials file.
func lookupSettings(enroot: String) -> LookupSettings {
    let site = EnrootSite.read(enroot: enroot, probe: NodeFiles())
    var name = utsname()
    uname(&name)
    let machine = withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    return LookupSettings(environment: environment, site: site, machine: machine,
                          credentials: { Executables.readText($0) })
}

/// This node's files, as `EnrootSite` reads them.
struct NodeFiles: EnrootProbe {
    func readText(_ path: String) -> String? { Executables.readText(path) }
    func entries(of directory: String) -> [String] { Executables.directoryEntries(directory) }
}

/// A failure reported on stderr (one line, then the log of the command that failed) and a
/// non-zero exit: ImageCacheWire's statuses when the cache directory cannot be used or
/// `get --damaged FILE` finds the file whole, 1 otherwise.
struct Failure: Error, CustomStringConvertible {
    static let cacheUnusable = ImageCacheWire.cacheUnusableStatus
    static let fileSound = ImageCacheWire.fileSoundStatus
    let description: String
    let status: Int32
    init(_ description: String, log: [String] = [], status: Int32 = 1) {
        self.description = ([description] + log.map { "    \($0)" }).joined(separator: "\n")
        self.status = status
    }
}

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

func currentEnvironment() -> [String] {
    var result: [String] = []
    var entry = environ
    while let pointer = entry.pointee {
        result.append(String(cString: pointer))
        entry += 1
    }
    return result
}

func say(_ line: String) {
    let text = ImageCacheWire.prefix + line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

func getFile(_ uri: String, from fetch: CacheFetch) throws -> CacheFetch.Result {
    do throws(CacheError) {
        return try fetch.get(uri)
    } catch {
        throw Failure(error.message, log: error.log, status: error.unusable ? Failure.cacheUnusable : 1)
    }
}

public struct PyxisImageCache: ParsableCommand {
    public init() {}

    /// Runs the command line `arguments` (without the command's name) and exits.
    /// Files and directories the cache makes are the user's alone (0600, 0700), whatever the
    /// caller's umask: enroot import creates the file.
    public static func main(arguments: [String]) -> Never {
        umask(0o077)
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let failure as Failure {
            say(failure.description)
            Glibc.exit(failure.status)
        } catch {
            exit(withError: error)
        }
        Glibc.exit(0)
    }

    public static let configuration = CommandConfiguration(
        commandName: "pyxis-image-cache",
        abstract: "Squashfs files of container images by digest, imported once and shared by every later step.",
        discussion: "The cache directory is private to its user (0700, files 0600). See docs/image-cache.md.",
        subcommands: [Prefetch.self, List.self, Prune.self, Remove.self, Get.self, Release.self])

    struct Prefetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an image into the cache unless it is there; print its file.")
        @OptionGroup var options: CacheOptions
        @Argument(help: "The image, as --container-image takes it: docker://[USER@][REGISTRY#]IMAGE[:TAG].")
        var uri: String

        func run() throws {
            let result = try getFile(Self.normalized(uri), from: options.fetch())
            let what = result.outcome == .hit ? "already cached" : result.outcome == .imported ? "imported" : "imported by another step"
            print("\(result.digest) \(what): \(result.path)")
        }

        /// What pyxis passes enroot: a URI, `docker://` added to a bare name.
        static func normalized(_ uri: String) -> String {
            uri.contains("://") ? uri : "docker://" + uri
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cached images: digest, size, last use, and whether a running step uses one.")
        @OptionGroup var options: CacheOptions

        func run() throws {
            let entries = try options.directory().entries().sorted { $0.lastUsed > $1.lastUsed }
            var total: UInt64 = 0
            for entry in entries {
                total = total.addingReportingOverflow(entry.bytes).overflow ? .max : total + entry.bytes
                let digest = ImageDigest(fileName: entry.name).map(String.init(describing:)) ?? entry.name
                print("\(digest)  \(SizeLimit.describe(entry.bytes))  \(Self.date(entry.lastUsed))\(entry.inUse ? "  in use" : "")")
            }
            print("\(entries.count) image(s), \(SizeLimit.describe(total))")
        }

        static func date(_ seconds: Int64) -> String {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            var buffer = [CChar](repeating: 0, count: 32)
            strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
            return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the least recently used images until the cache is under its limit.")
        @OptionGroup var options: CacheOptions

        func run() throws {
            var fetch = try options.fetch()
            guard fetch.limit > 0 else { throw ValidationError("prune needs a limit: --max SIZE or PYXIS_IMAGE_CACHE_MAX") }
            fetch.report = { _ in }
            let removed = fetch.evict()
            for name in removed { print("removed \(ImageDigest(fileName: name).map(String.init(describing:)) ?? name)") }
            print("\(removed.count) image(s) removed")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove images from the cache by digest.")
        @OptionGroup var options: CacheOptions
        @Argument(help: "sha256:... digests, as `list` prints them.")
        var digests: [String]

        func run() throws {
            let directory = try options.directory()
            for text in digests {
                guard let digest = ImageDigest(text) else {
                    throw ValidationError("not an image digest: '\(text)' (expected sha256: and 64 hex digits)")
                }
                // Every file of that digest, whichever registry it came from.
                let files = directory.entries().map(\.name).filter { ImageDigest(fileName: $0) == digest }
                guard !files.isEmpty else { throw Failure("\(digest) is not in the cache \(directory.path)") }
                // A running step keeps its file through its reference (UseReference).
                for name in files {
                    do { try directory.remove(name) } catch { throw Failure(error.message) }
                    try? directory.remove(Eviction.Entry.usedMarker(name))
                }
                print("removed \(digest)")
            }
        }
    }

    /// The importer protocol (the plugin's `importer` contract): prints the file on stdout.
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "For pyxis: print the cached squashfs file of an image, importing it first if needed.")
        @OptionGroup var options: CacheOptions
        @Option(help: ArgumentHelp("A cache file the step could not start from: removed first if it is damaged; exit 4 if it reads whole.", valueName: "file"))
        var damaged: String?
        @Option(help: ArgumentHelp("Which file --damaged was when the step got it (DEVICE:INODE, as get said): one replaced since is not checked again.", valueName: "id"))
        var damagedIdentity: String?
        @OptionGroup var step: StepOptions
        @Argument var uri: String

        func run() throws {
            // One walk of the cache directory serves the check, the look-up and the identity.
            var fetch = try options.fetch()
            fetch.holder = try step.holder()
            if let damaged { try discard(damaged, with: fetch) }
            let result = try getFile(Prefetch.normalized(uri), from: fetch)
            // What happened, for the plugin's messages (stdout holds only the file).
            say(ImageCacheWire.text(.outcome, "\(result.outcome)"))
            if let id = fetch.storage.identity(Self.name(of: result.path)) { say(ImageCacheWire.text(.identity, id.description)) }
            print(result.path)
        }

        static func name(of path: String) -> String { String(path.split(separator: "/").last ?? "") }

        private func discard(_ path: String, with fetch: CacheFetch) throws {
            // Another step found it damaged and imported the image again since this step got it.
            if let damagedIdentity, let current = fetch.storage.identity(Self.name(of: path)),
               current.description != damagedIdentity {
                return
            }
            guard let unsquashfs = Executables.find("unsquashfs", in: environment("PATH") ?? Executables.defaultPath) else {
                throw Failure("unsquashfs is not in PATH (squashfs-tools): cannot check \(path)")
            }
            let discarded: Bool
            do throws(CacheError) {
                discarded = try fetch.discardIfDamaged(path, checker: Unsquashfs(path: unsquashfs))
            } catch {
                throw Failure(error.message, log: error.log)
            }
            guard discarded else { throw Failure("the cache file \(path) reads whole: the failure lies elsewhere", status: Failure.fileSound) }
        }
    }

    /// The plugin's teardown: the step's references go. Without --step (the importer
    /// protocol's `release`), nothing to free: the file stays cached.
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "For pyxis: the step no longer uses its cache files (the files stay cached).")
        @Option(name: .long, help: ArgumentHelp("The cache directory (default: $PYXIS_IMAGE_CACHE).", valueName: "dir"))
        var cache: String?
        @Option(help: ArgumentHelp("The step whose references on this node go (JOBID.STEPID, as given to get).", valueName: "id"))
        var step: String?

        func run() throws {
            guard let step else { return }
            guard UseReference.Holder.isValidStep(step) else { throw ValidationError("--step: not a step id: '\(step)'") }
            var options = CacheOptions()
            options.cache = cache
            CacheReferences(storage: try options.directory(), clock: SystemClock()).release(step: step)
        }
    }
}
