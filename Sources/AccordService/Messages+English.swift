extension Messages {
    /// The English catalogue: every ``Key`` of ``french``, with the same placeholders.
    static let english: [Key: String] = [
        // MARK: - The guided session (`accord run`)
        .runWelcome: "Accord — guided consultation. Type \"skip\" to pass a question, \"quit\" to stop (what is entered is kept).",
        .runNeeded: "  This one is needed to go on (type quit to stop).",
        .runNotRecorded: "  Not recorded: {error}",
        .runSessionClosed: "session {session} is closed; amend it with the change commands and --reason.",
        .runContinuing: "Continuing session {session}.",
        .runStopped:
            "Stopped. Session {session} keeps everything recorded so far (an entry left half-typed is not recorded); continue with `accord run --session {session}`.",
        .runAnswersEnded: "the answers ended before a session could be started; nothing was recorded.",
        .runStoppedBeforeStart: "Stopped before a session was started; nothing was recorded.",

        // MARK: The patient and the clinician
        .startClinicianID: "Clinician IdNat_PS (8 + RPPS):",
        .startClinicianName: "Clinician name:",
        .startTemplate: "Template {reference}: {title}.",
        .startTopic: "Decision to make:",
        .startTopicWithDefault: "Decision to make [Enter: {topic}]:",
        .startINS: "Patient INS (15 characters) [Enter: none, a provisional identity]:",
        .startINSOID: "INS OID [Enter: 1.2.250.1.213.1.4.8 production; tests use 1.2.250.1.213.1.4.10]:",
        .startFamilyName: "Birth family name (INS form, e.g. MARTIN-D'ESTE):",
        .startGivenNames: "Birth given names, in order:",
        .startBirthDate: "Birth date (YYYY-MM-DD):",
        .startSex: "Sex (F, M, U):",
        .startBirthplace: "Birth place (INSEE COG code):",
        .startIdentityStatus: "Identity status: provisional, recovered, validated, qualified [Enter: {status}]:",
        .startIPP: "Patient IPP in the centre [Enter: none]:",
        .startDiagnosis: "Diagnosis (or skip):",
        .startPatientPresent: "Is the patient present? (yes/no) [Enter: yes]:",
        .startNotStarted: "  Not started: {error}",
        .startNothingRecorded: "  Nothing was recorded; run `accord run` again.",
        .startStarted: "Session {session} started.",

        // MARK: Team talk
        .teamHeading: "\n— Team talk: a choice exists, and we decide together.",
        .teamRole: "Who else takes part? Role (relative, trusted-person, carer, interpreter, professional) or Enter to go on:",
        .teamName: "  Name:",
        .teamIdNatPS: "  IdNat_PS:",
        .teamAdded: "  Added {entry}.",
        .teamPreferredRole: "Role the patient wants in the decision (Control Preferences Scale letter A–E), or skip:",
        .instrumentAnsweredFor: "  The patient is absent: who answered for them (participant id, e.g. P3)?",
        .instrumentRecorded: "  Recorded {entry}: {summary}",

        // MARK: Option talk
        .optionHeading: "\n— Option talk: the options, with their benefits and harms.",
        .optionSoFar: "  Options so far: {options}",
        .optionKind:
            "Add an option? Kind (treatment, active-surveillance, no-treatment, clinical-trial, supportive-care) or Enter to go on:",
        .optionLabel: "  Label:",
        .optionBenefit: "  Benefit (Enter when done):",
        .optionHarm: "  Harm (Enter when done):",
        .optionTrialID: "  Trial registry id (e.g. NCT01234567, or skip):",
        .optionAdded: "  Added option {number}.",

        // MARK: Decision talk
        .decisionHeading: "\n— Decision talk: what matters to the patient, then the decision.",
        .decisionWhatMatters: "What matters to the patient? (Enter when done):",
        .decisionImportance: "  Importance 1–5 (Enter: not stated):",
        .decisionPreferenceAdded: "  Added {entry}.",
        .decisionAid: "Decision aid given? Name (Enter: none):",
        .decisionAidVersion: "  Its version or edition (Enter: unknown):",
        .decisionUnderstanding: "Was understanding checked? How (e.g. reformulation), or skip:",
        .decisionTrialOffered: "Was a clinical trial offered? (yes/no, or skip):",
        .decisionTrialEligibility: "  Eligibility (eligible, not-eligible, unknown) [Enter: unknown]:",
        .decisionTrialAnswer: "  The patient's answer (accepted, declined, undecided, or skip):",
        .decisionOptions: "  Options: {options}",
        .decisionNoOptions: "  Options: none",
        .decisionOutcome: "Decision: an option number, \"deferred YYYY-MM-DD\", \"declined\", or skip:",
        .decisionTakenBy: "  Taken by (participant ids, e.g. P1 P2) [Enter: P1 P2]:",
        .decisionRecorded: "  Recorded {entry}.",
        .decisionNote: "Note (Enter when done):",
        .decisionInstrument: "Record an instrument? Its id (see `accord instrument list`), or Enter to go on:",
        .decisionInstrumentAnswers: "  Answers ({count} × {answers}, comma-separated, - for unanswered):",
        .decisionYesNoAnswers: "yes/no",

        // MARK: Closing
        .finishMissing: "missing: {element} — {description}",
        .finishCompleteness: "Completeness {percent} %.",
        .finishClose: "Close session {session} now? (yes/no) [Enter: no]:",
        .finishClosed: "Closed session {session}.",
        .finishStaysOpen: "Session {session} stays open; continue with `accord run --session {session}` or the change commands.",

        // MARK: Refused answers
        .refusedBirthDate: "birth date: is not a calendar date; expected YYYY-MM-DD.",
        .refusedSex: "sex: is not an administrative sex; expected F, M or U.",
        .refusedIdentityStatus:
            "identity status: is not an identity status; expected provisional, recovered, validated or qualified (or PROV, RECUP, VALI, QUAL).",
        .refusedIdentityStatusWithoutINS:
            "identity status: is {status}, a status the INSi teleservice gives with the INS, but no INS was given; expected provisional or validated for an identity without INS.",
        .refusedRole: "role: is not a participant role; expected relative, trusted-person, carer, interpreter or professional.",
        .refusedPreferredRole:
            "role: is not a Control Preferences Scale letter; expected one letter from A (I decide) to E (the doctor decides).",
        .refusedOptionKind:
            "kind: is not an option kind; expected treatment, active-surveillance, no-treatment, clinical-trial or supportive-care.",
        .refusedImportance: "importance: is out of range; expected a whole number from 1 to 5.",
        .refusedEligibility: "eligibility: is not known; expected eligible, not-eligible or unknown.",
        .refusedTrialAnswer: "answer: is not known; expected accepted, declined or undecided.",
        .refusedYesNo: "answer: is not yes or no; expected yes or no.",
        .refusedOutcome: "decision: is not understood; expected an option number, \"deferred YYYY-MM-DD\" or \"declined\".",
    ]
}
