import Foundation
import Testing

@testable import AccordWeb

/// A form's one-time token answers a sending of the same values with the first one's outcome,
/// and nothing else: not another user's sending, not other values.
@Suite struct WebOnceFormsTests {
    let now = Date(timeIntervalSince1970: 1_772_443_800)

    func isRecord(_ claim: WebOnceForms<Int>.Claim) -> Bool {
        if case .record = claim { return true }
        return false
    }

    func ticket(_ claim: WebOnceForms<Int>.Claim) -> WebOnceForms<Int>.Ticket? {
        if case .record(let ticket) = claim { return ticket }
        return nil
    }

    func answered(_ claim: WebOnceForms<Int>.Claim) -> Int? {
        if case .answeredBefore(let outcome) = claim { return outcome }
        return nil
    }

    @Test func theSameValuesAreAnsweredWithTheFirstOutcome() async throws {
        let forms = WebOnceForms<Int>()
        let token = forms.issue(by: "810000000001", now: now)
        let form = ["once": token, "csrf": "a", "nom": "MARTIN"]
        let first = await forms.claim(form, by: "810000000001", now: { self.now })
        forms.answered(try #require(ticket(first)), 12, now: now)
        // The CSRF token is not a value of the form.
        #expect(answered(await forms.claim(form.merging(["csrf": "b"]) { $1 }, by: "810000000001", now: { self.now })) == 12)
    }

    @Test func otherValuesAreAnotherSendingNeverAnsweredWithTheFirstOutcome() async throws {
        let forms = WebOnceForms<Int>()
        let token = forms.issue(by: "810000000001", now: now)
        let martin = ["once": token, "nom": "MARTIN"]
        let bernard = ["once": token, "nom": "BERNARD"]
        forms.answered(try #require(ticket(await forms.claim(martin, by: "810000000001", now: { self.now }))), 12, now: now)
        let other = await forms.claim(bernard, by: "810000000001", now: { self.now })
        #expect(ticket(other) != nil)
        forms.answered(ticket(other), 13, now: now)
        #expect(answered(await forms.claim(martin, by: "810000000001", now: { self.now })) == 12)
        #expect(answered(await forms.claim(bernard, by: "810000000001", now: { self.now })) == 13)
    }

    /// Another user's sending with a token is recorded unprotected, and leaves the token's
    /// own user's sendings untouched (it was answered with the other user's session).
    @Test func anotherUsersSendingLeavesTheTokenAlone() async throws {
        let forms = WebOnceForms<Int>()
        let token = forms.issue(by: "810000000001", now: now)
        let form = ["once": token, "nom": "DUPONT"]
        let foreign = await forms.claim(form, by: "810000000002", now: { self.now })
        #expect(isRecord(foreign) && ticket(foreign) == nil)
        forms.answered(ticket(foreign), 12, now: now)
        let own = await forms.claim(form, by: "810000000001", now: { self.now })
        #expect(ticket(own) != nil)
        #expect(answered(own) == nil)
    }

    @Test func aRefusedSendingMayBeSentAgainAndNoTokenIsUnprotected() async throws {
        let forms = WebOnceForms<Int>()
        let token = forms.issue(by: "810000000001", now: now)
        let form = ["once": token, "naissance": "1958-02-30"]
        forms.refused(try #require(ticket(await forms.claim(form, by: "810000000001", now: { self.now }))))
        #expect(ticket(await forms.claim(form, by: "810000000001", now: { self.now })) != nil)
        for unknown in [["nom": "X"], ["once": "", "nom": "X"], ["once": "forged", "nom": "X"]] {
            let claim = await forms.claim(unknown, by: "810000000001", now: { self.now })
            #expect(isRecord(claim) && ticket(claim) == nil)
        }
        #expect(forms.claimWithoutWaiting(form, by: "810000000001", now: now).isSentBefore)
    }
}

extension WebOnceForms.Sending {
    var isSentBefore: Bool {
        if case .sentBefore = self { return true }
        return false
    }
}
