import PyxisSystem

/// What set-up made, written as it happens so that the teardown undoes exactly that — never
/// what it could re-derive from the options (docs/design.md, "Record, then undo").
public struct SetupRecord: Equatable, Sendable {
    /// This step started the container process (not an attach): it ends it.
    public var ownsProcess = false
    /// A container filesystem was being created / is complete.
    public var creating = false
    public var created = false
    /// The importer's `get` ran and its `release` has not.
    public var importerPending = false
    /// `enroot import --output` wrote the step's temporary squashfs file.
    public var squashfsImported = false
    /// The image cache's `get` gave the step a reference to its file (`release --step` has not run).
    public var cacheUsePending = false

    public init() {}
}

/// How the tasks of a step on one node meet: one lock, the set-up state, the container process,
/// how many tasks joined, and the record of what set-up made. The real one is the shared page
/// (`SharedPage`); tests use a fake.
public protocol TaskRendezvous: AnyObject {
    func lock() throws(SystemError) -> SharedPage.LockOutcome
    func unlock()
    var state: SharedPage.SetupState { get set }
    var pid: Int32 { get set }
    /// The container process stopped itself and waits for SIGCONT once every task joined.
    var needsContinue: Bool { get set }
    /// Tasks that took their handles on the container, and tasks that finished task_init.
    var arrived: Int { get set }
    var started: Int { get set }
    var record: SetupRecord { get set }
}

extension SharedPage: TaskRendezvous {
    public var needsContinue: Bool {
        get { self[.needsContinue] }
        set { self[.needsContinue] = newValue }
    }

    public var record: SetupRecord {
        get {
            var record = SetupRecord()
            record.ownsProcess = self[.ownsProcess]
            record.creating = self[.creating]
            record.created = self[.created]
            record.importerPending = self[.importerPending]
            record.cacheUsePending = self[.cacheUsePending]
            record.squashfsImported = self[.squashfsImported]
            return record
        }
        set {
            self[.ownsProcess] = newValue.ownsProcess
            self[.creating] = newValue.creating
            self[.created] = newValue.created
            self[.importerPending] = newValue.importerPending
            self[.cacheUsePending] = newValue.cacheUsePending
            self[.squashfsImported] = newValue.squashfsImported
        }
    }
}
