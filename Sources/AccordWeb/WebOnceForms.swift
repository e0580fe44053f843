import AccordService
import Foundation

/// Forms recorded once however often they are sent: a form sent twice (a double click, a
/// double tap, a browser sending it again) answers what its first sending answered, and
/// records nothing more. The forms that start a session keep the session started
/// (`Outcome` ``AccordService/StartedSession``); the patient's screen keeps nothing.
///
/// Each form shown carries a one-time token (`once`, ``issue(by:now:)``). Its first sending
/// claims it; a second sending of the same token waits for the first one's outcome
/// (``claim(_:by:now:)``) or is answered at once (``claimWithoutWaiting(_:by:)``). A sending
/// refused as bad input gives the token back, so the corrected form can be sent.
///
/// Tokens live in this process's memory for an hour (at most ``capacity``, the oldest
/// dropped first): a form shown before a restart, by another server of the same database, or
/// without a token (an earlier page, a script) is recorded as before, unprotected.
final class WebOnceForms<Outcome: Sendable>: @unchecked Sendable {
    /// How long a token is kept after it was shown or used: one hour.
    static var lifetime: TimeInterval { 3600 }
    /// The most tokens kept: 10,000.
    static var capacity: Int { 10_000 }

    private enum State {
        case shown
        case starting
        case answered(Outcome)
    }

    private struct Entry {
        var state: State
        /// Who the form was shown to (an IdNat_PS, a patient's screen): another's token is
        /// unknown to them.
        let user: String
        var touched: Date
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// What to do with a sending.
    enum Claim {
        /// Record it (the first sending, or a token this process does not know), then report
        /// with ``answered(_:_:now:)`` or ``refused(_:)``.
        case record
        /// What the first sending of this form answered.
        case answeredBefore(Outcome)
    }

    /// A new token for a form shown to `user` (an IdNat_PS, or a patient's screen).
    func issue(by user: String, now: Date) -> String {
        let token = WebTokens.make()
        lock.withLock {
            prune(now: now)
            entries[token] = Entry(state: .shown, user: user, touched: now)
        }
        return token
    }

    /// Claims the form's token for a sending by `user`; waits (at most ten seconds) while
    /// another sending of the same form is starting its session.
    func claim(_ token: String?, by user: String, now: @Sendable () -> Date) async -> Claim {
        for _ in 0..<500 {
            switch claimOnce(token, by: user, now: now()) {
            case .some(let claim): return claim
            case .none: try? await Task.sleep(for: .milliseconds(20))
            }
        }
        return .record
    }

    /// Claims the form's token for a sending by `user` without waiting: `true` to record it,
    /// `false` when another sending of the same form was recorded or is being recorded.
    func claimWithoutWaiting(_ token: String?, by user: String, now: Date) -> Bool {
        switch claimOnce(token, by: user, now: now) {
        case .some(.record): true
        default: false
        }
    }

    /// The claim, or `nil` while another sending of the form is being recorded.
    private func claimOnce(_ token: String?, by user: String, now: Date) -> Claim? {
        guard let token, !token.isEmpty else { return .record }
        return lock.withLock {
            guard var entry = entries[token], entry.user == user else { return .record }
            switch entry.state {
            case .shown:
                entry.state = .starting
                entry.touched = now
                entries[token] = entry
                return .record
            case .answered(let outcome): return .answeredBefore(outcome)
            case .starting: return nil
            }
        }
    }

    /// What the sending with `token` answered: later sendings answer it.
    func answered(_ token: String?, _ outcome: Outcome, now: Date) {
        guard let token else { return }
        lock.withLock {
            guard var entry = entries[token] else { return }
            entry.state = .answered(outcome)
            entry.touched = now
            entries[token] = entry
        }
    }

    /// The sending with `token` recorded nothing (bad input, an error): the form may be sent
    /// again.
    func refused(_ token: String?) {
        guard let token else { return }
        lock.withLock {
            guard var entry = entries[token], case .starting = entry.state else { return }
            entry.state = .shown
            entries[token] = entry
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
