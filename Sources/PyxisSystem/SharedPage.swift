import CSystem
import Glibc

/// The page the tasks of a step share on one node (an anonymous `MAP_SHARED` mapping made in
/// slurmstepd before the tasks fork), guarded by a robust process-shared mutex: exactly one
/// task sets the container up, and a task that dies holding the lock is noticed by the next.
public final class SharedPage {
    /// How far the container's set-up got.
    public enum SetupState: Int32, Sendable {
        /// Nobody has tried yet: the task that takes the lock first sets up.
        case none = 0
        /// The container process is there (`pid`).
        case ready = 1
        /// Set-up failed, or the task doing it died: every task fails.
        case failed = 2
    }

    public enum LockOutcome: Sendable {
        case acquired
        /// The previous holder died while holding it; the state is marked failed.
        case previousHolderDied
    }

    private let page: UnsafeMutablePointer<csystem_shared>

    /// `csystem_shared_create`; throws when the mapping or the mutex cannot be made.
    public init() throws(SystemError) {
        guard let page = csystem_shared_create() else { throw SystemError("mmap of the tasks' shared page", errno: errno) }
        self.page = page
    }

    public func lock() throws(SystemError) -> LockOutcome {
        let rc = csystem_shared_lock(page)
        if rc == EOWNERDEAD { return .previousHolderDied }
        guard rc == 0 else { throw SystemError("pthread_mutex_lock", errno: rc) }
        return .acquired
    }

    public func unlock() { csystem_shared_unlock(page) }

    public var state: SetupState {
        get { SetupState(rawValue: page.pointee.state) ?? .failed }
        set { page.pointee.state = newValue.rawValue }
    }
    /// The container process the tasks join.
    public var pid: Int32 {
        get { page.pointee.pid }
        set { page.pointee.pid = newValue }
    }
    /// Tasks that opened the container's namespaces, and tasks that finished task_init.
    public var arrived: Int {
        get { Int(page.pointee.arrived) }
        set { page.pointee.arrived = Int32(newValue) }
    }
    public var started: Int {
        get { Int(page.pointee.started) }
        set { page.pointee.started = Int32(newValue) }
    }

    /// The page's yes/no fields.
    public enum Flag: Sendable {
        /// The container process stopped itself and waits for SIGCONT once every task joined.
        case needsContinue
        /// What set-up made (see `SetupRecord` in PyxisLifecycle).
        case ownsProcess, creating, created, importerPending, squashfsImported, cacheUsePending
    }

    public subscript(flag: Flag) -> Bool {
        get { page.pointee[keyPath: Self.field(flag)] != 0 }
        set { page.pointee[keyPath: Self.field(flag)] = newValue ? 1 : 0 }
    }

    private static func field(_ flag: Flag) -> WritableKeyPath<csystem_shared, Int32> {
        switch flag {
        case .needsContinue: \.needs_continue
        case .ownsProcess: \.owns_process
        case .creating: \.creating
        case .created: \.created
        case .importerPending: \.importer_pending
        case .squashfsImported: \.squashfs_imported
        case .cacheUsePending: \.cache_use_pending
        }
    }
}
