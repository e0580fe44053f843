import AccordCore
import Foundation

/// What a correction of the patient's identity or a change of its status did.
public struct IdentityUpdate: Sendable {
    /// The session after the change.
    public var consultation: Consultation
    /// The traits corrected, by name (never their values); empty for a change of status.
    public var traits: [String]
    /// Identity warnings to show (the INS against its traits and other sessions).
    public var warnings: [String]
    /// Which issued documents carry the earlier identity (`Re-export S1 (…)`), or `nil`.
    public var reexportNotice: String?
}

/// The traits a correction gives, as typed; `nil` leaves a trait as it is.
public struct IdentityCorrectionRequest: Sendable {
    /// The birth family name (`--family-name`).
    public var familyName: String?
    /// The birth given names, in order, separated by spaces.
    public var givenNames: String?
    /// The first given name; with `givenNames` alone it follows the new list when the recorded
    /// one was the first of the earlier list.
    public var firstGivenName: String?
    /// The birth date.
    public var birthDate: CalendarDate?
    /// The administrative sex.
    public var sex: Sex?
    /// A COG code (upper-cased).
    public var birthplace: String?
    /// The family name used in daily life.
    public var usedFamilyName: String?
    /// The given name used in daily life.
    public var usedGivenName: String?
    /// The IPP; with `ippRoot` alone, the recorded IPP under another root.
    public var ipp: String?
    /// The IPP's root; default: the session's, else the centre's OID root + `.2`.
    public var ippRoot: String?

    public init(
        familyName: String? = nil, givenNames: String? = nil, firstGivenName: String? = nil, birthDate: CalendarDate? = nil,
        sex: Sex? = nil, birthplace: String? = nil, usedFamilyName: String? = nil, usedGivenName: String? = nil, ipp: String? = nil,
        ippRoot: String? = nil
    ) {
        // Each trait as typed; `nil` leaves it as recorded.
        self.familyName = familyName
        self.givenNames = givenNames
        self.firstGivenName = firstGivenName
        self.birthDate = birthDate
        self.sex = sex
        self.birthplace = birthplace
        self.usedFamilyName = usedFamilyName
        self.usedGivenName = usedGivenName
        self.ipp = ipp
        self.ippRoot = ippRoot
    }
}

extension AccordService {
    /// Corrects the patient's identity traits in one session by an `identity-corrected` event
    /// holding only the traits that change, with a reason (open or closed session).
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming the option that fails; (`conflict`) when
    ///   nothing changes or no reason is given; nothing is recorded then.
    public func correctIdentity(
        _ request: IdentityCorrectionRequest, in session: SessionID, author: String?, reason: String
    ) throws -> IdentityUpdate {
        let before = try store.consultation(session)
        var ipp: InstanceIdentifier?
        if request.ipp != nil || request.ippRoot != nil {
            guard let extension_ = request.ipp ?? before.start.ipp?.extension_ else {
                throw AccordError.invalid(
                    "--ipp-root", "is given for a session without an IPP", accepted: "--ipp with the IPP, and --ipp-root if needed")
            }
            let root = try request.ippRoot ?? before.start.ipp?.root ?? ((store.centreSettings() ?? .example).oidRoot + ".2")
            ipp = InstanceIdentifier(root: root, extension_: extension_)
        }
        var first = request.firstGivenName
        let recorded = before.start.patient
        if let givenNames = request.givenNames, first == nil, recorded.firstBirthGivenName == Self.firstWord(recorded.birthGivenNames) {
            first = Self.firstWord(givenNames)
        }
        let correction = IdentityCorrection(
            birthFamilyName: request.familyName, birthGivenNames: request.givenNames, firstBirthGivenName: first,
            birthDate: request.birthDate, sex: request.sex, birthplaceCode: request.birthplace?.uppercased(),
            usedFamilyName: request.usedFamilyName, usedGivenName: request.usedGivenName, ipp: ipp
        ).keepingChanges(from: before.start)
        let after = try store.record(.identityCorrected(correction), in: session, author: author, reason: reason, precondition: nil)
        return IdentityUpdate(
            consultation: after, traits: correction.traitNames, warnings: identityWarnings(session: session, identity: after.start.patient),
            reexportNotice: Self.reexportNotice(after))
    }

    /// Changes the identity's status (RNIV) in one session by an `identity-status-changed`
    /// event, with a reason (`Consultation.checkStatusChange(_:)`).
    ///
    /// - Throws: `AccordError` naming the option that fails; nothing is recorded then.
    public func changeIdentityStatus(
        _ change: IdentityStatusChange, in session: SessionID, author: String?, reason: String
    ) throws -> IdentityUpdate {
        let after = try store.record(.identityStatusChanged(change), in: session, author: author, reason: reason, precondition: nil)
        return IdentityUpdate(
            consultation: after, traits: [],
            warnings: change.ins != nil ? identityWarnings(session: session, identity: after.start.patient) : [],
            reexportNotice: Self.reexportNotice(after))
    }

    static func firstWord(_ names: String) -> String {
        String(names.split(separator: " ").first ?? Substring(names))
    }

    /// Which issued documents carry the earlier identity: the last version of each profile.
    public static func reexportNotice(_ consultation: Consultation) -> String? {
        var latest: [(profile: String, version: Int)] = []
        for issue in consultation.issuedDocuments {
            if let index = latest.firstIndex(where: { $0.profile == issue.profile }) {
                latest[index].version = max(latest[index].version, issue.version)
            } else {
                latest.append((issue.profile, issue.version))
            }
        }
        guard !latest.isEmpty else { return nil }
        let documents = latest.map { "\($0.profile) version \($0.version)" }.joined(separator: ", ")
        return "Re-export \(consultation.id) (\(documents) \(latest.count == 1 ? "was" : "were") issued with the earlier identity)."
    }
}
