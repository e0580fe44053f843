extension EventPayload {
    /// Writes the version 2 payloads of the changes a consultation is made of (its start,
    /// participants, options, what matters, decisions, instruments, notes, the closing,
    /// withdrawals, phases, process steps, the research objection) and of issued documents in
    /// one pass over their values, byte for byte as `JSONEncoder` writes them with
    /// ``AccordJSON/encoder(pretty:)``: keys in the order of their UTF-8 bytes, nested objects
    /// as their synthesized `Codable` writes them, `"` and `\` escaped, `\b` `\t` `\n` `\f`
    /// `\r`, other control characters as `\u00xx` (lowercase), everything else (a slash, DEL,
    /// U+2028, any letter) as it is; a `Double` as Swift describes it, without a trailing `.0`.
    ///
    /// `JSONEncoder` took about 9 % of a bulk import's CPU (its keyed containers and writer
    /// for every event), and still 11 % of `audit generate`'s when it wrote each session's
    /// start and every instrument. The payload is the chain's input: the bytes must not change,
    /// so the changes made rarely (centre settings, identity changes) and a score that is not
    /// finite (which `JSONEncoder` refuses) are left to `JSONEncoder`, and the tests compare
    /// both writers on every kind with texts holding every ASCII character.
    enum Writer {
        /// The payload of `change`, or `nil` when it is left to `JSONEncoder`.
        static func payload(_ change: Change) -> String? {
            var object = Object()
            switch change {
            case .participantAdded(let role, let name, let id, let function, let details):
                object.text("family_name", details?.familyName)
                object.text("function", function)
                object.text("given_name", details?.givenName)
                object.text("id", id)
                object.text("name", name)
                object.text("prefix", details?.prefix)
                object.text("relationship", details?.relationship)
                object.text("role", role.rawValue)
                object.text("specialty", details?.specialty)
            case .optionAdded(let kind, let label, let benefits, let harms, let trialID, let origin):
                object.texts("benefits", benefits)
                object.texts("harms", harms)
                object.text("kind", kind.rawValue)
                object.text("label", label)
                object.text("origin", origin)
                object.text("trial_id", trialID)
            case .preferenceAdded(let text, let importance):
                object.integer("importance", importance)
                object.text("text", text)
            case .decisionRecorded(let outcome, let takenBy, let answeredBy):
                object.text("answered_by", answeredBy?.rawValue)
                switch outcome {
                case .agreed(let option):
                    object.integer("option", option)
                case .deferred(let nextContact):
                    object.text("next_contact", nextContact.description)
                case .declined:
                    break
                }
                object.text("outcome", outcome.name)
                object.texts("taken_by", takenBy.map(\.rawValue))
            case .noteAdded(let text):
                object.text("text", text)
            case .sessionClosed, .researchObjection:
                break
            case .entryWithdrawn(let entry):
                object.text("entry", entry.rawValue)
            case .phaseStarted(let phase):
                object.text("phase", phase.rawValue)
            case .decisionAidGiven(let name, let version):
                object.text("name", name)
                object.typeAndVersion(change.kind)
                object.text("version", version)
                return object.finish()
            case .understandingChecked(let method):
                object.text("method", method)
            case .reflectionOffered(let until):
                object.text("type", change.kind)
                object.text("until", until?.description)
                object.integer("v", EventPayload.version)
                return object.finish()
            case .trialDiscussed(let eligibility, let offered, let answer):
                object.text("answer", answer?.rawValue)
                object.text("eligibility", eligibility.rawValue)
                object.boolean("offered", offered)
            case .documentIssued(let issue):
                object.integer("centre_sequence", issue.centreSequence)
                object.text("document_id", issue.documentID)
                // As AccordJSON's date strategy writes it.
                object.text("document_time", UTCInstant.format(issue.documentTime))
                object.text("id_branch", issue.idBranch)
                object.text("id_root", issue.idRoot)
                object.text("profile", issue.profile)
                object.integer("record_sequence", issue.recordSequence)
                object.text("replaces", issue.replaces)
                object.text("sha256", issue.sha256)
                object.typeAndVersion(change.kind)
                object.integer("version", issue.version)
                return object.finish()
            case .sessionStarted(let start):
                object.start(start)
                object.typeAndVersion(change.kind)
                return object.finish()
            case .instrumentRecorded(let instrument, let version, let respondent, let answers, let score, let answeredBy):
                object.text("answered_by", answeredBy?.rawValue)
                object.texts("answers", answers.map(\.description))
                object.text("instrument", instrument.rawValue)
                object.text("respondent", respondent.rawValue)
                guard object.score(score) else { return nil }
                object.typeAndVersion(change.kind)
                object.text("version", version)
                return object.finish()
            case .centreSettingsChanged, .identityCorrected, .identityStatusChanged:
                return nil
            }
            object.typeAndVersion(change.kind)
            return object.finish()
        }

        /// One JSON object written member by member, in the order given (the caller gives the
        /// keys in the order of their bytes); an absent optional value writes no member.
        private struct Object {
            private var bytes: [UInt8] = [UInt8(ascii: "{")]
            /// Whether the object being written (the outer one or a nested one) has a member.
            private var hasMember = false

            init() { bytes.reserveCapacity(512) }

            /// The members of a session's start (``EventPayload/Versioned``'s keys, nested
            /// objects as their synthesized `Codable` writes them), before `type` and `v`.
            mutating func start(_ start: SessionStart) {
                text("clinician_family_name", start.clinicianFamilyName)
                text("clinician_function", start.clinicianFunction)
                text("clinician_given_name", start.clinicianGivenName)
                text("clinician_id", start.clinicianID)
                text("clinician_name", start.clinicianName)
                text("clinician_prefix", start.clinicianPrefix)
                text("clinician_specialty", start.clinicianSpecialty)
                if let condition = start.condition {
                    object("condition") { o in
                        o.text("code", condition.code)
                        o.text("code_system", condition.codeSystem)
                        if let morphology = condition.morphology { o.coded("morphology", morphology) }
                        o.text("origin", condition.origin)
                        o.text("text", condition.text)
                    }
                }
                if let facility = start.facility { coded("facility", facility) }
                text("identity_status", start.identityStatus?.rawValue)
                if let ipp = start.ipp { identifier("ipp", ipp) }
                text("organisation_finess", start.organisationFINESS)
                text("organisation_name", start.organisationName)
                let identity = start.patient
                object("patient") { o in
                    o.text("birth_date", identity.birthDate.description)
                    o.text("birth_family_name", identity.birthFamilyName)
                    o.text("birth_given_names", identity.birthGivenNames)
                    o.text("birthplace_code", identity.birthplaceCode)
                    o.text("first_birth_given_name", identity.firstBirthGivenName)
                    o.text("ins", identity.ins)
                    o.text("ins_oid", identity.insOID)
                    o.text("sex", identity.sex.rawValue)
                    o.text("used_family_name", identity.usedFamilyName)
                    o.text("used_given_name", identity.usedGivenName)
                }
                boolean("patient_present", start.patientPresent)
                if let rcp = start.rcp {
                    object("rcp") { o in
                        o.identifier("document_id", rcp.documentID)
                        if let flags = rcp.flags { o.texts("flags", flags.map(\.rawValue)) }
                        o.text("meeting_date", rcp.meetingDate?.description)
                        if let setID = rcp.setID { o.identifier("set_id", setID) }
                        if let trialProposed = rcp.trialProposed { o.boolean("trial_proposed", trialProposed) }
                    }
                }
                if let elements = start.requiredElements { texts("required_elements", elements.map(\.rawValue)) }
                text("surveillance_not_reasonable", start.surveillanceNotReasonable)
                text("template", start.template)
                text("topic", start.topic)
            }

            /// An instrument's score as a nested object; `false` (nothing written) when a
            /// value is not finite, which `JSONEncoder` refuses.
            mutating func score(_ score: InstrumentScore) -> Bool {
                guard score.score?.isFinite ?? true, score.subscores.values.allSatisfy(\.isFinite) else { return false }
                object("score") { o in
                    o.boolean("complete", score.complete)
                    o.boolean("confirmed", score.confirmed)
                    o.texts("flags", score.flags)
                    o.text("instrument", score.instrument)
                    if let total = score.score { o.number("score", total) }
                    o.object("subscores") { s in
                        for (name, value) in score.subscores.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                            s.number(name, value)
                        }
                    }
                    o.text("version", score.version)
                }
                return true
            }

            /// A nested object under `key`, its members written by `body`.
            mutating func object(_ key: StaticString, _ body: (inout Object) -> Void) {
                self.key(key)
                bytes.append(UInt8(ascii: "{"))
                hasMember = false
                body(&self)
                bytes.append(UInt8(ascii: "}"))
                hasMember = true
            }

            /// An HL7 `II` (``InstanceIdentifier``) as a nested object.
            mutating func identifier(_ key: StaticString, _ value: InstanceIdentifier) {
                object(key) { o in
                    o.text("extension", value.extension_)
                    o.text("root", value.root)
                }
            }

            /// An HL7 `CE` (``CodedValue``) as a nested object.
            mutating func coded(_ key: StaticString, _ value: CodedValue) {
                object(key) { o in
                    o.text("code", value.code)
                    o.text("code_system", value.codeSystem)
                    o.text("display_name", value.displayName)
                }
            }

            /// A finite `Double` as `JSONEncoder` writes it: Swift's shortest description,
            /// without a trailing `.0`.
            mutating func number(_ key: StaticString, _ value: Double) {
                self.key(key)
                number(value)
            }

            /// The same under a key known at run time (a subscore's name).
            mutating func number(_ key: String, _ value: Double) {
                if hasMember { bytes.append(UInt8(ascii: ",")) }
                hasMember = true
                string(key)
                bytes.append(UInt8(ascii: ":"))
                number(value)
            }

            private mutating func number(_ value: Double) {
                var text = value.description
                if text.hasSuffix(".0") { text.removeLast(2) }
                bytes.append(contentsOf: text.utf8)
            }

            /// `type` then `v`, the last members of every payload but those with a later key.
            mutating func typeAndVersion(_ kind: String) {
                text("type", kind)
                integer("v", EventPayload.version)
            }

            mutating func text(_ key: StaticString, _ value: String?) {
                guard let value else { return }
                self.key(key)
                string(value)
            }

            mutating func texts(_ key: StaticString, _ values: [String]) {
                self.key(key)
                bytes.append(UInt8(ascii: "["))
                for (index, value) in values.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    string(value)
                }
                bytes.append(UInt8(ascii: "]"))
            }

            mutating func integer<Integer: BinaryInteger>(_ key: StaticString, _ value: Integer?) {
                guard let value else { return }
                self.key(key)
                guard let value = Int64(exactly: value) else {
                    bytes.append(contentsOf: String(value).utf8)
                    return
                }
                // The decimal digits written straight into the payload: `String(value)` of a
                // generic integer took a tenth of the payload's encoding.
                if value < 0 { bytes.append(UInt8(ascii: "-")) }
                var magnitude = value.magnitude
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
                    var count = 0
                    repeat {
                        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                        magnitude /= 10
                        count += 1
                    } while magnitude > 0
                    for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
                }
            }

            mutating func boolean(_ key: StaticString, _ value: Bool) {
                self.key(key)
                bytes.append(contentsOf: (value ? "true" : "false").utf8)
            }

            mutating func finish() -> String {
                bytes.append(UInt8(ascii: "}"))
                return String(decoding: bytes, as: UTF8.self)
            }

            private mutating func key(_ key: StaticString) {
                if hasMember { bytes.append(UInt8(ascii: ",")) }
                hasMember = true
                bytes.append(UInt8(ascii: "\""))
                key.withUTF8Buffer { bytes.append(contentsOf: $0) }
                bytes.append(UInt8(ascii: "\""))
                bytes.append(UInt8(ascii: ":"))
            }

            /// A JSON string as `JSONEncoder` escapes it.
            private mutating func string(_ value: String) {
                bytes.append(UInt8(ascii: "\""))
                var value = value
                value.withUTF8 { utf8 in
                    var start = 0
                    for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                        start = index + 1
                        switch byte {
                        case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
                        case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
                        case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
                        case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
                        case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
                        case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
                        case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
                        default:
                            let digits: [UInt8] = Array("0123456789abcdef".utf8)
                            bytes.append(contentsOf: #"\u00"#.utf8)
                            bytes.append(digits[Int(byte >> 4)])
                            bytes.append(digits[Int(byte & 0x0F)])
                        }
                    }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
                }
                bytes.append(UInt8(ascii: "\""))
            }
        }
    }
}
