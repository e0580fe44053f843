/// The version of a session's document that an export writes, decided from the session's
/// verified events (its `documentIssued` events; used by the exporters).
public struct DocumentVersion: Sendable, Hashable {
    /// The version number (1, 2, …), the CDA `versionNumber`.
    public var version: Int
    /// The version this one replaces (`version - 1`), or `nil` for the first.
    public var replaces: Int?
    /// Whether this version was issued before (the record has not changed since).
    public var alreadyExported: Bool
    /// How this version was issued, when it was: re-exporting it rebuilds these bytes. `nil`
    /// for a new version, and for a version exported before Accord recorded issued documents
    /// (its bytes cannot be rebuilt: the export then issues the next version).
    public var issued: DocumentIssue?
    /// The OID root of the document set's ids (kept from its first version), or `nil` for a
    /// first version (the centre's current root).
    public var idRoot: String?
    /// The id of the version this one replaces, as it was issued, when it is known.
    public var replacedDocumentID: String?

    public init(
        version: Int, replaces: Int?, alreadyExported: Bool, issued: DocumentIssue? = nil, idRoot: String? = nil,
        replacedDocumentID: String? = nil
    ) {
        self.version = version
        self.replaces = replaces
        self.alreadyExported = alreadyExported
        self.issued = issued
        self.idRoot = idRoot
        self.replacedDocumentID = replacedDocumentID
    }

    /// The version after `self`, replacing it, in the same set.
    public var next: DocumentVersion {
        DocumentVersion(
            version: version + 1, replaces: version, alreadyExported: false, idRoot: issued?.idRoot ?? idRoot,
            replacedDocumentID: issued?.documentID)
    }

    /// The version an export of `consultation` under the version key `profile` carries,
    /// from its issued documents: the last issued version while the record has not changed
    /// since it was issued; the next one, replacing it, once it has.
    ///
    /// - Parameters:
    ///   - consultation: the session's state, with its issued documents.
    ///   - profile: the version key (the profile's name, with `+pseudonymised` for a
    ///     pseudonymised export).
    ///   - legacy: the highest version of the profile exported before issued documents
    ///     were recorded, with the session sequence it showed, when the session has one.
    public static func of(
        _ consultation: Consultation, profile: String, legacy: (version: Int, recordSequence: Int)? = nil
    )
        -> DocumentVersion
    {
        let issues = consultation.issuedDocuments.filter { $0.profile == profile }
        guard let last = issues.last else {
            guard let legacy else { return DocumentVersion(version: 1, replaces: nil, alreadyExported: false) }
            let previous = DocumentVersion(
                version: legacy.version, replaces: legacy.version > 1 ? legacy.version - 1 : nil, alreadyExported: true)
            return legacy.recordSequence == consultation.lastSessionSequence ? previous : previous.next
        }
        let root = issues.first?.idRoot ?? last.idRoot
        if last.recordSequence == consultation.lastSessionSequence {
            return DocumentVersion(
                version: last.version, replaces: last.version > 1 ? last.version - 1 : nil, alreadyExported: true, issued: last,
                idRoot: root, replacedDocumentID: last.replaces)
        }
        return DocumentVersion(
            version: last.version + 1, replaces: last.version, alreadyExported: false, idRoot: root, replacedDocumentID: last.documentID)
    }
}
