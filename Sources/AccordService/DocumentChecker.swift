import AccordXML
import DequeModule
import Foundation

/// Checks prepared documents (schema validation, or well-formedness) on a thread of its own,
/// in the order they are submitted, so that a batch export builds the next documents
/// meanwhile; the batch takes each outcome in session order.
///
/// `@unchecked Sendable`: its state is guarded by one condition lock; a compiled
/// ``XMLSchema`` may be shared by threads (each check makes its own validation context).
final class DocumentChecker: @unchecked Sendable {
    private let profile: ExportProfile
    private let schema: DeferredSchema?
    private let condition = NSCondition()
    private var queue: Deque<(ticket: Int, document: PreparedDocument)> = []
    private var results: [Int: Result<PreparedDocument, any Error>] = [:]
    private var nextTicket = 0
    private var started = false
    private var stopped = false

    /// A checker for documents of `profile`, against `schema` (compiled at its first use: a
    /// batch compiles it before it reads a first session to write; `nil`: well-formedness only).
    init(profile: ExportProfile, schema: DeferredSchema?) {
        self.profile = profile
        self.schema = schema
    }

    /// Queues a document prepared with `checking: false`; returns its ticket for ``result(_:)``.
    func submit(_ document: PreparedDocument) -> Int {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            let thread = Thread { [self] in work() }
            // libxml2's validation recurses along the document's depth: the main thread's size.
            thread.stackSize = 8 << 20
            thread.start()
        }
        let ticket = nextTicket
        nextTicket += 1
        queue.append((ticket, document))
        condition.broadcast()
        return ticket
    }

    /// Waits for the check of the document of `ticket` (each ticket is taken once).
    /// - Returns: the document, checked.
    /// - Throws: `AccordError` (`invalidDocument`) as ``ExportProfile/check(_:schema:)``;
    ///   (`invalidInput`) when the schema does not compile.
    func result(_ ticket: Int) throws -> PreparedDocument {
        condition.lock()
        while results[ticket] == nil { condition.wait() }
        let result = results.removeValue(forKey: ticket)!
        condition.unlock()
        return try result.get()
    }

    /// Ends the thread once the check under way is done (documents still queued are dropped).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            let (ticket, document) = queue.removeFirst()
            condition.unlock()
            let result = Result { try profile.check(document, schema: schema?.schema()) }
            condition.lock()
            results[ticket] = result
            condition.broadcast()
            condition.unlock()
        }
    }
}
