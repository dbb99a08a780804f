#if canImport(Glibc)
import Glibc
#endif
import PyxisSystem

/// The registry side of the cache, through enroot as the calling user: `enroot digest URI` and
/// `enroot import --output FILE URI`, with the caller's environment (enroot's configuration,
/// credentials, proxies).
public struct EnrootImages: ImageRegistry {
    public let enroot: String
    public let environment: [String]
    /// Seconds an import may take before it is stopped, with every process it started (0:
    /// no limit): a stalled registry must not hold the producer lock, and the steps waiting
    /// on it, forever.
    public var importTimeLimit: Int

    public static let defaultImportTimeLimit = 1800

    public init(enroot: String, environment: [String], importTimeLimit: Int = Self.defaultImportTimeLimit) {
        self.enroot = enroot
        self.environment = environment
        self.importTimeLimit = importTimeLimit
    }

    public func digest(of uri: String) throws(CacheError) -> ImageDigest {
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(enroot, arguments: ["digest", uri], environment: environment,
                                           identity: .inherited, captureOutput: true)
        } catch {
            throw CacheError("cannot run \(enroot) digest: \(error.description)")
        }
        guard result.succeeded, let digest = ImageDigest(result.output) else {
            throw CacheError("could not find the digest of \(uri) (enroot digest)", log: result.logLines)
        }
        return digest
    }

    public func importImage(_ uri: String, to path: String, stillRunning: () -> Void) throws(CacheError) {
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(enroot, arguments: ["import", "--output", path, uri], environment: environment,
                                           identity: .inherited, heartbeatSeconds: 5, heartbeat: stillRunning,
                                           timeLimitSeconds: importTimeLimit)
        } catch {
            throw CacheError("cannot run \(enroot) import: \(error.description)")
        }
        if result.timedOut {
            throw CacheError("failed to import docker image: \(uri): enroot import did not finish within \(importTimeLimit) s and was stopped (the limit: --import-time-limit or PYXIS_IMAGE_CACHE_IMPORT_TIME_LIMIT)",
                             log: result.logLines)
        }
        guard result.succeeded else { throw CacheError("failed to import docker image: \(uri)", log: result.logLines) }
    }
}

/// The real clock, host and processes.
public struct SystemClock: CacheClock {
    public init() {}
    public func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
    public func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
    public func sleep(milliseconds: Int) { usleep(useconds_t(milliseconds * 1000)) }
    public var host: String { Unique.host }
    public var pid: Int32 { getpid() }
    public func processStart(_ pid: Int32) -> UInt64? { ProcessLiveness.startTime(pid) }
    public func processExists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
    public func randomToken() -> String { Unique.token() }
}

/// Names no other process on any node can make: host, pid and random bytes.
enum Unique {
    static var host: String {
        var name = [UInt8](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return String(decoding: name.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    /// 16 random bytes in hexadecimal (the system's generator: getrandom).
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next(), generator.next()].map { (value: UInt64) -> String in
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// `HOST-PID-RANDOM`, for temporary names in a directory other nodes share.
    static func suffix() -> String { "\(host)-\(getpid())-\(token().prefix(8))" }
}
