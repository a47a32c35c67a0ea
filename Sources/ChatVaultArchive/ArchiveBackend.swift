/// A whole archive backend: the message store and every store beside it.
///
/// What `chatvault` and the console open (``Vault/openArchive(clock:)``) and hold: callers
/// see only these protocols, never a backend's type, so the embedded SQLite vault and a
/// PostgreSQL archive are interchangeable above this line. Each protocol has a
/// conformance suite written once and run on every backend.
public protocol ArchiveBackend: Archive, ReviewStore, RetentionStore, ReportStore, NoticeStore, ProofSessionProviding, PolicyStateStore {}
