/// The FHIR R4 codes the `fhir-r4` export writes, one enum per value set (required bindings of
/// the R4 specification), so that a status cannot be misspelt or taken from another value set.

/// `Composition.status` (composition-status): the document is final when exported, amended
/// when the session was amended after closing (every document issued after its first amendment).
enum FHIRCompositionStatus: String {
    case final
    case amended
}

/// `Encounter.status` (encounter-status).
enum FHIREncounterStatus: String {
    case inProgress = "in-progress"
    case finished
}

/// `CarePlan.status` (request-status): a proposal or agreed plan is active, a deferred decision
/// on hold, a declined one revoked.
enum FHIRRequestStatus: String {
    case active
    case onHold = "on-hold"
    case revoked
    /// An option withdrawn after the session was closed.
    case enteredInError = "entered-in-error"
}

/// `CarePlan.intent` (care-plan-intent): an option is a proposal, the decision a plan.
enum FHIRCarePlanIntent: String {
    case proposal
    case plan
}

/// `CarePlan.activity.detail.status` (care-plan-activity-status).
enum FHIRCarePlanActivityStatus: String {
    case scheduled
    /// The next contact of a deferral replaced or withdrawn after closing.
    case cancelled
}

/// `Goal.lifecycleStatus` (goal-status).
enum FHIRGoalLifecycleStatus: String {
    case proposed
    /// A preference withdrawn after the session was closed.
    case enteredInError = "entered-in-error"
}

/// `QuestionnaireResponse.status` (questionnaire-answers-status).
enum FHIRQuestionnaireResponseStatus: String {
    case inProgress = "in-progress"
    case completed
    /// A response withdrawn after the session was closed.
    case enteredInError = "entered-in-error"
}

/// `Observation.status` (observation-status).
enum FHIRObservationStatus: String {
    case final
}

/// `Narrative.status` (narrative-status).
enum FHIRNarrativeStatus: String {
    case generated
}

extension FHIRBuilder {
    /// `<name value="code"/>` for a code of one of the value sets above.
    func code<Code: RawRepresentable>(_ name: String, _ code: Code) where Code.RawValue == String {
        value(name, code.rawValue)
    }
}
