extension EventPayload {
    /// Writes the version 2 payloads of the changes a consultation is mostly made of
    /// (participants, options, what matters, decisions, notes, the closing, withdrawals,
    /// phases, process steps, the research objection) and of issued documents in one pass over
    /// their values, byte for byte as `JSONEncoder` writes them with
    /// ``AccordJSON/encoder(pretty:)``: keys in the order of their UTF-8 bytes, `"` and `\`
    /// escaped, `\b` `\t` `\n` `\f` `\r`, other control characters as `\u00xx` (lowercase),
    /// everything else (a slash, DEL, U+2028, any letter) as it is.
    ///
    /// `JSONEncoder` took about 9 % of a bulk import's CPU (its keyed containers and writer
    /// for every event). The payload is the chain's input: the bytes must not change, so the
    /// kinds with numbers other than integers (an instrument's score) or with nested objects
    /// (a session's start, centre settings, identity changes) are left to `JSONEncoder`, and
    /// the tests compare both writers on every kind with texts holding every ASCII character.
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
            case .sessionStarted, .centreSettingsChanged, .instrumentRecorded, .identityCorrected, .identityStatusChanged:
                return nil
            }
            object.typeAndVersion(change.kind)
            return object.finish()
        }

        /// One JSON object written member by member, in the order given (the caller gives the
        /// keys in the order of their bytes); an absent optional value writes no member.
        private struct Object {
            private var bytes: [UInt8] = [UInt8(ascii: "{")]

            init() { bytes.reserveCapacity(256) }

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
                bytes.append(contentsOf: String(value).utf8)
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
                if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: "\""))
                key.withUTF8Buffer { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
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
