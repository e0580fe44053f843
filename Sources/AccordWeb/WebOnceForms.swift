import AccordService
import Foundation

/// Forms recorded once however often they are sent: a form sent twice with the same values
/// (a double click, a double tap, a browser sending it again) answers what its first sending
/// answered, and records nothing more. The forms that start a session keep the session started
/// (`Outcome` ``AccordService/StartedSession``); the patient's screen keeps nothing.
///
/// Each form shown carries a one-time token (`once`, ``issue(by:now:)``). A sending is known by
/// its token and the digest of its values (every field but the tokens): the first sending of
/// those values claims them; a second one waits for the first one's outcome
/// (``claim(_:values:by:now:)``) or is answered at once (``claimWithoutWaiting(_:values:by:now:)``).
/// The same form sent with other values (edited after the back button) is another sending:
/// it is recorded, and is never answered with what other values gave (another patient's
/// session). A sending refused as bad input records nothing, so the corrected form can be sent.
///
/// Tokens live in this process's memory for an hour (at most ``capacity``, the oldest
/// dropped first): a form shown before a restart, by another server of the same database,
/// without a token (an earlier page, a script), or with a token shown to someone else is
/// recorded as before, unprotected.
final class WebOnceForms<Outcome: Sendable>: @unchecked Sendable {
    /// How long a token is kept after it was shown or used: one hour.
    static var lifetime: TimeInterval { 3600 }
    /// The most tokens kept: 10,000.
    static var capacity: Int { 10_000 }

    private enum State {
        case recording
        case answered(Outcome)
    }

    private struct Entry {
        /// Who the form was shown to (an IdNat_PS, a patient's screen): another's token is
        /// unknown to them.
        let user: String
        var touched: Date
        /// Each set of values sent with the token, by digest.
        var sendings: [String: State] = [:]
    }

    /// A sending being recorded: report its outcome with ``answered(_:_:now:)`` or
    /// ``refused(_:)``.
    struct Ticket {
        fileprivate let token: String
        fileprivate let values: String
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// What to do with a sending.
    enum Claim {
        /// Record it, then report with the ticket (`nil` for a sending this process does not
        /// know: no token, or a token it did not show to this user).
        case record(Ticket?)
        /// What the first sending of these values answered.
        case answeredBefore(Outcome)
    }

    /// A new token for a form shown to `user` (an IdNat_PS, or a patient's screen).
    func issue(by user: String, now: Date) -> String {
        let token = WebTokens.make()
        lock.withLock {
            prune(now: now)
            entries[token] = Entry(user: user, touched: now)
        }
        return token
    }

    /// The digest of a form's values: every field but the CSRF and one-time tokens, sorted.
    static func digest(_ form: [String: String]) -> String {
        WebTokens.sha256(
            form.filter { $0.key != "csrf" && $0.key != "once" }.sorted { $0.key < $1.key }
                .map { "\($0.key.utf8.count):\($0.key)=\($0.value.utf8.count):\($0.value)" }.joined(separator: "\n"))
    }

    /// Claims a sending of `form` with its token for `user`; waits (at most ten seconds) while
    /// another sending of the same values is being recorded.
    func claim(_ form: [String: String], by user: String, now: @Sendable () -> Date) async -> Claim {
        for _ in 0..<500 {
            if let claim = claimOnce(form, by: user, now: now()) { return claim }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return .record(nil)
    }

    /// What to do with a sending that does not wait.
    enum Sending {
        /// Record it, then report with the ticket (as ``Claim/record(_:)``).
        case record(Ticket?)
        /// The same values were recorded, or are being recorded, by another sending.
        case sentBefore
    }

    /// Claims a sending of `form` with its token for `user`, without waiting.
    func claimWithoutWaiting(_ form: [String: String], by user: String, now: Date) -> Sending {
        switch claimOnce(form, by: user, now: now) {
        case .some(.record(let ticket)): .record(ticket)
        default: .sentBefore
        }
    }

    /// The claim, or `nil` while another sending of the same values is being recorded.
    private func claimOnce(_ form: [String: String], by user: String, now: Date) -> Claim? {
        guard let token = form["once"], !token.isEmpty else { return .record(nil) }
        let values = Self.digest(form)
        return lock.withLock {
            guard var entry = entries[token], entry.user == user else { return .record(nil) }
            switch entry.sendings[values] {
            case nil:
                entry.sendings[values] = .recording
                entry.touched = now
                entries[token] = entry
                return .record(Ticket(token: token, values: values))
            case .answered(let outcome): return .answeredBefore(outcome)
            case .recording: return nil
            }
        }
    }

    /// What the sending of `ticket` answered: later sendings of the same values answer it.
    func answered(_ ticket: Ticket?, _ outcome: Outcome, now: Date) {
        guard let ticket else { return }
        lock.withLock {
            guard var entry = entries[ticket.token] else { return }
            entry.sendings[ticket.values] = .answered(outcome)
            entry.touched = now
            entries[ticket.token] = entry
        }
    }

    /// The sending of `ticket` recorded nothing (bad input, an error): the same values may be
    /// sent again.
    func refused(_ ticket: Ticket?) {
        guard let ticket else { return }
        lock.withLock {
            guard var entry = entries[ticket.token], case .recording = entry.sendings[ticket.values] else { return }
            entry.sendings[ticket.values] = nil
            entries[ticket.token] = entry
        }
    }

    /// Drops tokens older than ``lifetime``, then the oldest beyond ``capacity`` (lock held).
    private func prune(now: Date) {
        guard entries.count >= Self.capacity / 2 else { return }
        entries = entries.filter { now.timeIntervalSince($0.value.touched) < Self.lifetime }
        if entries.count >= Self.capacity {
            let oldest = entries.sorted { $0.value.touched < $1.value.touched }.prefix(entries.count - Self.capacity + 1)
            for (token, _) in oldest { entries[token] = nil }
        }
    }
}
