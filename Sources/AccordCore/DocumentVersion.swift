/// The version of a session's document that an export writes (kept by the store per profile;
/// used by the exporters).
public struct DocumentVersion: Sendable, Hashable {
    /// The version number (1, 2, …), the CDA `versionNumber`.
    public var version: Int
    /// The version this one replaces (`version - 1`), or `nil` for the first.
    public var replaces: Int?
    /// Whether this version was exported before (the session has not changed since).
    public var alreadyExported: Bool

    public init(version: Int, replaces: Int?, alreadyExported: Bool) {
        self.version = version
        self.replaces = replaces
        self.alreadyExported = alreadyExported
    }
}
