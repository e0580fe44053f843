import Foundation

/// Which of the elements a complete SDM record must hold a session holds.
///
/// The elements are the template's `required_elements`, or by default every
/// ``RecordElement`` (the synthesis in `standards/INSTRUMENTS.md`, "What a complete SDM record
/// holds": PRSB SDM standard, NICE NG197, BMJ Open 2019 review, CMS). Item 12 (author and time
/// of every entry) always holds: every event records both.
public struct Completeness: Sendable, Hashable, Codable {
    /// Elements the record holds, in the list's order.
    public var present: [RecordElement]
    /// Elements still missing, in the list's order.
    public var missing: [RecordElement]
    /// Elements that do not apply (surveillance when the template says it is not reasonable).
    public var notApplicable: [RecordElement]

    /// The share of applicable elements present, 0–100, rounded down to a whole number.
    public var percent: Int {
        let applicable = present.count + missing.count
        return applicable == 0 ? 100 : present.count * 100 / applicable
    }

    enum CodingKeys: String, CodingKey {
        case present, missing, notApplicable = "not_applicable", percent = "completeness"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(present, forKey: .present)
        try container.encode(missing, forKey: .missing)
        try container.encode(notApplicable, forKey: .notApplicable)
        try container.encode(percent, forKey: .percent)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        present = try container.decode([RecordElement].self, forKey: .present)
        missing = try container.decode([RecordElement].self, forKey: .missing)
        notApplicable = try container.decode([RecordElement].self, forKey: .notApplicable)
    }

    /// Checks `consultation` against `elements`.
    ///
    /// - Parameters:
    ///   - consultation: the consultation to check.
    ///   - elements: the required elements (default: all of them).
    ///   - surveillanceNotReasonable: the template's reason why surveillance or no treatment
    ///     is not a reasonable option; the element then does not apply.
    public init(_ consultation: Consultation, elements: [RecordElement] = RecordElement.allCases, surveillanceNotReasonable: Bool = false) {
        (present, missing, notApplicable) = ([], [], [])
        // The options not withdrawn, filtered once for all the elements.
        let options = consultation.options.filter { !$0.withdrawn }
        for element in elements {
            if element == .surveillanceOrNoTreatment && surveillanceNotReasonable {
                notApplicable.append(element)
            } else if Self.holds(element, consultation, options: options) {
                present.append(element)
            } else {
                missing.append(element)
            }
        }
    }

    /// The rule for each element; `options` are `c`'s options not withdrawn.
    static func holds(_ element: RecordElement, _ c: Consultation, options: [ConsultationOption]) -> Bool {
        switch element {
        case .participants:
            // P1 (present or not) and P2 always exist; the element asks that presence is known.
            return !c.participants.isEmpty
        case .topic:
            return !c.start.topic.isEmpty && options.count >= 2
        case .options:
            return !options.isEmpty
        case .surveillanceOrNoTreatment:
            return options.contains { $0.kind == .activeSurveillance || $0.kind == .noTreatment }
        case .benefitsAndHarms:
            return !options.isEmpty && options.allSatisfy { $0.kind == .noTreatment || (!$0.benefits.isEmpty && !$0.harms.isEmpty) }
        case .whatMatters:
            return c.preferences.contains { !$0.withdrawn }
        case .preferredRole:
            return c.preferredRole != nil
        case .decisionAid:
            return c.process.decisionAids.contains { !$0.withdrawn }
        case .understandingChecked:
            return c.process.understandingChecked != nil
        case .decision:
            return c.decision != nil
        case .reflectionAndNextContact:
            if case .deferred? = c.decision?.outcome { return true }
            return c.process.reflectionOffered
        case .trialOffer:
            return c.process.trialOffered != nil || options.contains { $0.kind == .clinicalTrial }
        case .instruments:
            return c.instruments.contains { !$0.withdrawn }
        }
    }
}

extension Consultation {
    /// The completeness of this session against its template's elements (kept in the session
    /// start when it was started from a template), or against every element.
    public var completeness: Completeness {
        Completeness(
            self, elements: start.requiredElements ?? RecordElement.allCases,
            surveillanceNotReasonable: start.surveillanceNotReasonable != nil)
    }
}
