extension DecisionTemplate {
    /// Starts a session from this template: remembers its reference, its required elements
    /// and its surveillance statement in `start`, and returns one option change per template
    /// option (origin `template:ID@VERSION`; benefits and harms with their figures' sources).
    public func apply(to start: inout SessionStart) -> [Change] {
        start.template = reference
        start.requiredElements = requiredElements
        start.surveillanceNotReasonable = surveillanceNotReasonable
        return options.map { option in
            .optionAdded(
                kind: option.kind, label: option.label, benefits: option.benefits.map { $0.narrative(in: self) },
                harms: option.harms.map { $0.narrative(in: self) }, trialID: nil, origin: EntryOrigin.template(reference).stored)
        }
    }
}
