import AccordService
import Foundation

/// The forms that start a session, each started once: a form sent twice (a double click, a
/// browser sending it again) answers what its first sending answered, and starts no second
/// session for the same patient.
///
/// Each form shown carries a one-time token (`once`, ``issue(by:now:)``). Its first sending
/// claims it; a second sending of the same token waits for the first one's outcome, then
/// answers the session the first one started (its warnings page again, or 303 to it). A
/// sending refused as bad input gives the token back, so the corrected form can be sent.
///
/// Tokens live in this process's memory for an hour (at most ``capacity``, the oldest
/// dropped first): a form shown before a restart, by another server of the same database, or
/// without a token (an earlier page, a script) starts its session as before, unprotected.
final class WebStartForms: @unchecked Sendable {
    /// How long a token is kept after it was shown or used: one hour.
    static let lifetime: TimeInterval = 3600
    /// The most tokens kept: 10,000.
    static let capacity = 10_000

    private enum State {
        case shown
        case starting
        case started(StartedSession)
    }

    private struct Entry {
        var state: State
        /// Who the form was shown to (an IdNat_PS): another user's token is unknown to them.
        let user: String
        var touched: Date
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// What to do with a sending.
    enum Claim {
        /// Start the session (the first sending, or a token this process does not know),
        /// then report with ``started(_:_:now:)`` or ``refused(_:)``.
        case start
        /// The session the first sending of this form started.
        case startedBefore(StartedSession)
    }

    /// A new token for a form shown to `user` (an IdNat_PS).
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
        guard let token, !token.isEmpty else { return .start }
        for _ in 0..<500 {
            let claim: Claim? = lock.withLock {
                guard var entry = entries[token], entry.user == user else { return .start }
                switch entry.state {
                case .shown:
                    entry.state = .starting
                    entry.touched = now()
                    entries[token] = entry
                    return .start
                case .started(let session): return .startedBefore(session)
                case .starting: return nil
                }
            }
            if let claim { return claim }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return .start
    }

    /// The session the sending with `token` started: later sendings answer it.
    func started(_ token: String?, _ session: StartedSession, now: Date) {
        guard let token else { return }
        lock.withLock {
            guard var entry = entries[token] else { return }
            entry.state = .started(session)
            entry.touched = now
            entries[token] = entry
        }
    }

    /// The sending with `token` started nothing (bad input, an error): the form may be sent
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
