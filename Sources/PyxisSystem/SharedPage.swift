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
    /// The process stopped itself and waits for SIGCONT once every task joined.
    public var needsContinue: Bool {
        get { page.pointee.needs_continue != 0 }
        set { page.pointee.needs_continue = newValue ? 1 : 0 }
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
    /// What set-up made, for the teardown in slurmstepd (see `SetupRecord`).
    public var ownsProcess: Bool {
        get { page.pointee.owns_process != 0 }
        set { page.pointee.owns_process = newValue ? 1 : 0 }
    }
    public var creating: Bool {
        get { page.pointee.creating != 0 }
        set { page.pointee.creating = newValue ? 1 : 0 }
    }
    public var created: Bool {
        get { page.pointee.created != 0 }
        set { page.pointee.created = newValue ? 1 : 0 }
    }
    public var importerPending: Bool {
        get { page.pointee.importer_pending != 0 }
        set { page.pointee.importer_pending = newValue ? 1 : 0 }
    }
    public var squashfsImported: Bool {
        get { page.pointee.squashfs_imported != 0 }
        set { page.pointee.squashfs_imported = newValue ? 1 : 0 }
    }
}
