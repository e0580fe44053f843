import AccordCore
import Foundation

/// What recording the patient's research objection (or its withdrawal) did.
public struct ResearchObjectionUpdate: Sendable {
    /// The session after the event.
    public var consultation: Consultation
    /// The event's sequence in the whole log.
    public var eventSequence: Int64
    /// The event's number within its session.
    public var sessionSequence: Int
    /// Whether the patient objects after the event, over all their sessions (an objection
    /// recorded in another session of the patient may still stand after a withdrawal here).
    public var patientObjects: Bool
}

extension AccordService {
    /// Records that the patient objects to the re-use of their data for research
    /// (`objects: true`) or withdraws that objection (`objects: false`): a
    /// `research-objection-recorded` or `research-objection-withdrawn` event in `session`,
    /// open or closed, with a reason, in one transaction. It is not a change of the record's
    /// content (no amendment, no new document version); while the patient objects,
    /// pseudonymised exports leave out every session of the patient (same INS or IPP).
    ///
    /// - Parameters:
    ///   - objects: `true` to record the objection, `false` to withdraw it.
    ///   - session: the session the event goes in.
    ///   - author: who records it (IdNat_PS); `nil`: the session's clinician.
    ///   - reason: why (how and when the patient said so); required.
    /// - Returns: the session after the event, the event's place and whether the patient now
    ///   objects.
    /// - Throws: `AccordError` (`invalidInput`, field `--reason`) without a reason;
    ///   (`conflict`) when the patient already objects (objecting) or does not (withdrawing),
    ///   over all their sessions (the same INS or IPP), or the session's events do not prove
    ///   whole; (`notFound`) for an unknown session; nothing is recorded then.
    public func recordResearchObjection(
        objects: Bool, in session: SessionID, author: String?, reason: String?
    ) throws -> ResearchObjectionUpdate {
        // The reason first (the record's own check), then the patient's state over all sessions:
        // a withdrawal may be recorded in any session of the patient.
        let before = try store.consultation(session)
        try before.check(.researchObjection(objects: objects), reason: reason)
        let objecting = try patientObjectsToResearch(before)
        if objects && objecting {
            throw AccordError(
                .conflict,
                "the patient of session \(session) already objects to research re-use (recorded in this or another of their sessions); to withdraw the objection, run `accord patient research-objection \(session) --withdraw --reason \"why\"`."
            )
        }
        if !objects && !objecting {
            throw AccordError(
                .conflict,
                "the patient of session \(session) has no research objection to withdraw; to record one, run `accord patient research-objection \(session) --reason \"why\"`."
            )
        }
        let after = try store.record(.researchObjection(objects: objects), in: session, author: author, reason: reason, precondition: nil)
        return ResearchObjectionUpdate(
            consultation: after, eventSequence: after.lastEventSequence, sessionSequence: after.eventCount,
            patientObjects: after.patientObjectsToResearch(objectingKeys: try store.researchObjections()))
    }

    /// Whether the patient of `consultation` objects to the re-use of their data for research,
    /// over all their sessions (``AccordStore/EventStore/researchObjections()``).
    /// - Throws: what ``AccordStore/EventStore/researchObjections()`` throws.
    public func patientObjectsToResearch(_ consultation: Consultation) throws -> Bool {
        consultation.patientObjectsToResearch(objectingKeys: try store.researchObjections())
    }
}
