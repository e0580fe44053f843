import Foundation

/// A document version as it was issued: recorded as an event in the session's log (in the
/// event chain) before its file is written, so that versions, ids and bytes are decided by
/// the verified events alone.
///
/// Re-exporting a version already issued rebuilds it from the same record, with the centre
/// settings of ``centreSequence``, the ids under ``idRoot`` and the document time
/// ``documentTime``; the bytes are those first issued, which ``sha256`` proves.
public struct DocumentIssue: Sendable, Hashable, Codable {
    /// The export profile's version key (`cda-fr`, `fhir-r4`, `cda-fr+pseudonymised`, a
    /// custom profile's name): versions run apart per key.
    public var profile: String
    /// The version number (1, 2, …).
    public var version: Int
    /// The OID root of every id of the document set (`ROOT.BRANCH.SESSION…`): the centre's root when
    /// version 1 was issued, kept by later versions even when the centre changes its root.
    public var idRoot: String
    /// The document's id (an OID: `ROOT.BRANCH.SESSION.VERSION`, see ``DocumentIDs``).
    public var documentID: String
    /// The profile's id branch the document's ids were issued under (``DocumentIDs/branch(profile:)``:
    /// `1` for `cda-fr`, `3` for `fhir-r4`, `4.N` for a custom profile), or `nil` for a document
    /// issued before each profile had its own branch: every profile then used `1`, so a
    /// session's CDA and FHIR documents shared their ids (``DocumentIDs/legacyBranch``).
    public var idBranch: String?
    /// The id of the version this one replaces (an id really issued), or `nil` for the first.
    public var replaces: String?
    /// The document time (UTC instant): the CDA `effectiveTime`, the FHIR `date`.
    public var documentTime: Date
    /// The SHA-256 of the document's bytes, 64 lowercase hexadecimal characters.
    public var sha256: String
    /// The session sequence of the last change of the record the document shows.
    public var recordSequence: Int
    /// The event sequence of the centre settings the document used, or `nil` for the example
    /// settings (no centre settings recorded yet).
    public var centreSequence: Int64?

    /// The branch its ids were issued under: ``idBranch``, or the legacy `1`.
    public var branch: String { idBranch ?? DocumentIDs.legacyBranch }

    /// An issue with every field given (see each property).
    public init(
        profile: String, version: Int, idRoot: String, documentID: String, replaces: String?, documentTime: Date, sha256: String,
        recordSequence: Int, centreSequence: Int64?, idBranch: String? = nil
    ) {
        self.idBranch = idBranch
        self.profile = profile
        self.version = version
        self.idRoot = idRoot
        self.documentID = documentID
        self.replaces = replaces
        self.documentTime = documentTime
        self.sha256 = sha256
        self.recordSequence = recordSequence
        self.centreSequence = centreSequence
    }

    enum CodingKeys: String, CodingKey {
        case profile, version, idRoot = "id_root", documentID = "document_id", replaces, documentTime = "document_time"
        case sha256, recordSequence = "record_sequence", centreSequence = "centre_sequence", idBranch = "id_branch"
    }
}
