import AccordCore
import AccordService
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// `accord run` driven through scripted standard input, against the same consultation
/// recorded command by command.
@Suite struct GuidedSessionTests {
    /// Runs `accord run` with `lines` as standard input, with `ACCORD_LANG` set to `language`
    /// (English by default, the language these tests assert; `nil` leaves it unset: French).
    func run(_ cli: AccordCLI, _ arguments: [String] = [], lines: [String], language: String? = "en") throws -> AccordCLI.Result {
        let input = cli.folder.appendingPathComponent("answers-\(UUID().uuidString).txt")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let script = "\"$ACCORD_BIN\" run \(arguments.joined(separator: " ")) < \"\(input.path)\""
        return try cli.run(["__shell__", script], environment: language.map { ["ACCORD_LANG": $0] } ?? [:])
    }

    static let answers = [
        "810123456781", "Dr Hélène Roussel",
        "158056912345606", "1.2.250.1.213.1.4.10", "MARCHAND-D'ESTE", "LUC JEAN-BAPTISTE", "1958-05-17", "M", "69123", "", "",
        "Cancer de la prostate localisé", "Adénocarcinome de la prostate", "yes",
        // team talk: one trusted person, then go on; the preferred role
        "trusted-person", "Anne Marchand", "", "C",
        // option talk: two options, then go on
        "treatment", "Prostatectomie totale", "Retrait de la tumeur", "", "Fuites urinaires", "",
        "active-surveillance", "Surveillance active", "", "", "",
        // decision talk
        "Garder la continence", "5", "",
        "Guide patient INCa", "2024",
        "reformulation",
        "yes", "eligible", "declined",
        "2", "P1 P2 P3",
        "Une note & <importante>", "",
        "sdm-q-9", "5,5,4,4,5,5,4,5,5", "",
        "yes",
    ]

    static let commands: [[String]] = [
        [
            "session", "start", "--clinician-id", "810123456781", "--clinician-name", "Dr Hélène Roussel", "--patient-ins",
            "158056912345606",
            "--ins-oid", "1.2.250.1.213.1.4.10", "--family-name", "MARCHAND-D'ESTE", "--given-names", "LUC JEAN-BAPTISTE",
            "--birth-date", "1958-05-17", "--sex", "M", "--birthplace", "69123", "--topic", "Cancer de la prostate localisé",
            "--condition", "Adénocarcinome de la prostate",
        ],
        ["phase", "S1", "team"],
        ["participant", "add", "S1", "--role", "trusted-person", "--name", "Anne Marchand"],
        ["instrument", "record", "S1", "--instrument", "cps-preferred", "--answers", "C"],
        ["phase", "S1", "option"],
        [
            "option", "add", "S1", "--kind", "treatment", "--label", "Prostatectomie totale", "--benefit", "Retrait de la tumeur", "--harm",
            "Fuites urinaires",
        ],
        ["option", "add", "S1", "--kind", "active-surveillance", "--label", "Surveillance active"],
        ["phase", "S1", "decision"],
        ["preference", "add", "S1", "--text", "Garder la continence", "--importance", "5"],
        ["process", "aid", "S1", "--name", "Guide patient INCa", "--version", "2024"],
        ["process", "understanding", "S1", "--method", "reformulation"],
        ["process", "trial", "S1", "--eligibility", "eligible", "--offered", "yes", "--answer", "declined"],
        ["decision", "record", "S1", "--agreed", "2", "--by", "P1", "P2", "P3"],
        ["note", "add", "S1", "--text", "Une note & <importante>"],
        ["instrument", "record", "S1", "--instrument", "sdm-q-9", "--answers", "5,5,4,4,5,5,4,5,5"],
        ["session", "close", "S1"],
    ]

    @Test func aGuidedSessionExportsLikeOneRecordedCommandByCommand() throws {
        let guided = try AccordCLI()
        defer { guided.cleanUp() }
        let result = try run(guided, lines: Self.answers)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Session S1 started."))
        #expect(result.stdout.contains("Closed session S1."))

        let typed = try AccordCLI()
        defer { typed.cleanUp() }
        for command in Self.commands {
            let step = try typed.run(command)
            #expect(step.status == 0, "\(command.prefix(2)): \(step.stderr)")
        }
        var arguments = ["export", "S1", "--out", "out"]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let a = try guided.run(arguments)
        let b = try typed.run(arguments)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let guidedDocument = try Data(contentsOf: guided.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        let typedDocument = try Data(contentsOf: typed.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        #expect(guidedDocument == typedDocument)
        let text = String(decoding: guidedDocument, as: UTF8.self)
        #expect(text.contains("Aide à la décision remise : Guide patient INCa (version 2024)"))
        #expect(text.contains("Essai clinique : éligible, proposé, refusé"))
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        let kept = cdaOutput.appendingPathComponent("guided-session.cda.xml")
        try? FileManager.default.removeItem(at: kept)
        try guidedDocument.write(to: kept)
    }

    // MARK: - French and English

    /// ``answers`` with its three yes/no questions (presence, trial offered, closing) answered
    /// with `yes1`, `yes2`, `yes3`.
    static func answers(yes yes1: String, _ yes2: String, _ yes3: String) -> [String] {
        var lines = answers
        let positions = lines.indices.filter { lines[$0] == "yes" }
        #expect(positions.count == 3)
        for (position, word) in zip(positions, [yes1, yes2, yes3]) { lines[position] = word }
        return lines
    }

    /// The fixed words of every message of `other` that no message of `own` has (a line of
    /// `other`'s language showing through): each message cut at its placeholders, pieces of 8
    /// characters or more.
    static func foreignPieces(of other: Messages.Language, notIn own: Messages.Language) -> [String] {
        let ownTexts = Array(Messages.catalogue(own).values)
        var pieces: [String] = []
        for template in Messages.catalogue(other).values {
            var cut = template
            for name in Messages.placeholders(in: template) { cut = cut.replacingOccurrences(of: "{\(name)}", with: "\u{0}") }
            for piece in cut.split(separator: "\u{0}").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            where piece.count >= 8 && !ownTexts.contains(where: { $0.contains(piece) }) {
                pieces.append(piece)
            }
        }
        return pieces
    }

    /// French when ACCORD_LANG is unset, English with it: exact prompts, no line of the other
    /// language, yes/no answered in either language in both, and the same session recorded —
    /// the same events and the same CDA bytes at the same ACCORD_NOW.
    @Test func aFrenchRunRecordsExactlyWhatAnEnglishRunRecords() throws {
        let french = try AccordCLI()
        defer { french.cleanUp() }
        let english = try AccordCLI()
        defer { english.cleanUp() }
        let f = try run(french, lines: Self.answers(yes: "oui", "yes", "O"), language: nil)
        let e = try run(english, lines: Self.answers(yes: "y", "oui", "YES"), language: "en_GB.UTF-8")
        #expect(f.status == 0 && f.stderr.isEmpty, "\(f.stderr)")
        #expect(e.status == 0 && e.stderr.isEmpty, "\(e.stderr)")

        // The first questions, exactly (a prompt is followed by a space; the answer is not echoed).
        let frenchStart: [String] = [
            "Accord — consultation guidée. Tapez « skip » pour passer une question, « quit » pour arrêter (ce qui est saisi est conservé).\n",
            "IdNat_PS du clinicien (8 + RPPS) : ", "Nom du clinicien : ",
            "INS du patient (15 caractères) [Entrée : aucun, identité provisoire] : ",
            "OID de l'INS [Entrée : 1.2.250.1.213.1.4.8 en production ; les tests utilisent 1.2.250.1.213.1.4.10] : ",
            "Nom de naissance (forme INS, ex. MARTIN-D'ESTE) : ", "Prénoms de naissance, dans l'ordre : ",
            "Date de naissance (AAAA-MM-JJ) : ", "Sexe (F, M, U) : ", "Lieu de naissance (code officiel géographique INSEE) : ",
            "Statut de l'identité : provisional (PROV), recovered (RECUP), validated (VALI), qualified (QUAL) [Entrée : qualified] : ",
            "IPP du patient dans le centre [Entrée : aucun] : ", "Décision à prendre : ", "Diagnostic (ou skip) : ",
            "Le patient est-il présent ? (oui/non) [Entrée : oui] : ", "Session S1 commencée.\n",
        ]
        #expect(f.stdout.hasPrefix(frenchStart.joined()), "\(f.stdout)")
        let englishStart: [String] = [
            "Accord — guided consultation. Type \"skip\" to pass a question, \"quit\" to stop (what is entered is kept).\n",
            "Clinician IdNat_PS (8 + RPPS): ", "Clinician name: ", "Patient INS (15 characters) [Enter: none, a provisional identity]: ",
        ]
        #expect(e.stdout.hasPrefix(englishStart.joined()), "\(e.stdout)")
        // The team talk, an instrument, then the closing, exactly.
        let frenchTeamTalk: [String] = [
            "\n— Le choix : une décision est à prendre, et nous la prenons ensemble.\n",
            "Qui d'autre participe ? Rôle (relative : proche, trusted-person : personne de confiance, carer : aidant, ",
            "interpreter : interprète, professional : professionnel) ou Entrée pour continuer : ", "  Nom : ", "  Ajouté : P3.\n",
        ]
        #expect(f.stdout.contains(frenchTeamTalk.joined()))
        let frenchInstrument: [String] = [
            "Enregistrer un questionnaire ? Son identifiant (voir `accord instrument list`), ou Entrée pour continuer : ",
            "  Réponses (9 × 0–5, séparées par des virgules, - si sans réponse) : ", "  Enregistré : I2 — 93.3\n",
        ]
        #expect(f.stdout.contains(frenchInstrument.joined()))
        let frenchEnd: [String] = [
            "manquant : benefits-and-harms — Bénéfices et risques de chaque option, avec leur source\n",
            "manquant : reflection-and-next-contact — Délai de réflexion proposé et prochain contact\n",
            "Complétude 84 %.\n", "Clore la session S1 maintenant ? (oui/non) [Entrée : non] : ", "Session S1 close.\n",
        ]
        #expect(f.stdout.hasSuffix(frenchEnd.joined()), "\(f.stdout)")
        let englishEnd: [String] = [
            "missing: benefits-and-harms — Benefits and harms of each option, with their source\n",
            "missing: reflection-and-next-contact — Time for reflection offered and next contact\n",
            "Completeness 84 %.\n", "Close session S1 now? (yes/no) [Enter: no]: ", "Closed session S1.\n",
        ]
        #expect(e.stdout.hasSuffix(englishEnd.joined()), "\(e.stdout)")
        // No line of the other language shows through.
        for piece in Self.foreignPieces(of: .english, notIn: .french) { #expect(!f.stdout.contains(piece), "English in French: \(piece)") }
        for piece in Self.foreignPieces(of: .french, notIn: .english) { #expect(!e.stdout.contains(piece), "French in English: \(piece)") }
        #expect(Self.foreignPieces(of: .english, notIn: .french).count > 50, "the check looks at most messages")

        // The same events, and the same document.
        let frenchEvents = try french.run(["session", "history", "S1", "--json"])
        let englishEvents = try english.run(["session", "history", "S1", "--json"])
        #expect(frenchEvents.status == 0 && !frenchEvents.stdout.isEmpty)
        #expect(frenchEvents.stdout == englishEvents.stdout)
        var arguments = ["export", "S1", "--out", "out"]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let a = try french.run(arguments)
        let b = try english.run(arguments)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let frenchDocument = try Data(contentsOf: french.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        let englishDocument = try Data(contentsOf: english.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        #expect(frenchDocument == englishDocument)
    }

    /// In French, the answers the guided session refuses itself are explained in French; the
    /// shared validation's errors (FieldRules) stay in English for now.
    @Test func refusedAnswersAreExplainedInFrench() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = [
            "810123456782", "810123456781", "Dr X", "158056912345606", "", "MARCHAND", "LUC", "1958-02-30", "1958-05-17", "Z", "M", "69123",
            "", "", "t", "skip", "peut-être", "non", "parent", "quit",
        ]
        let result = try run(cli, lines: lines, language: "fr_FR.UTF-8")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  date de naissance : n'est pas une date du calendrier ; attendu AAAA-MM-JJ.\n"))
        #expect(result.stdout.contains("  sexe : n'est pas un sexe administratif ; attendu F, M ou U.\n"))
        #expect(result.stdout.contains("  réponse : n'est ni oui ni non ; attendu oui ou non (ou yes, no).\n"))
        #expect(
            result.stdout.contains(
                "  rôle : n'est pas un rôle de participant ; attendu relative, trusted-person, carer, interpreter ou professional.\n"))
        #expect(
            result.stdout.contains(
                "  clinician: the IdNat_PS has an RPPS number whose Luhn check digit is wrong; expected 8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id.\n"
            ))
        #expect(
            result.stdout.hasSuffix(
                "Arrêt. La session S1 garde tout ce qui a été enregistré (une saisie laissée à moitié n'est pas enregistrée) ; reprenez avec `accord run --session S1`.\n"
            ), "\(result.stdout)")
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(!consultation.patient.present)
    }

    /// A template's title is shown in the run's language; continuing a session, and refusing a
    /// closed one, are said in French too.
    @Test func aTemplateTitleAndAContinuedSessionFollowTheLanguage() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let start = ["810123456781", "Dr X"]
        let french = try run(cli, ["--template", "localised-prostate-cancer"], lines: start, language: nil)
        #expect(
            french.stdout.contains(
                "Nom du clinicien : Modèle localised-prostate-cancer@2026.1 : "
                    + "Cancer de la prostate localisé — surveillance active, prostatectomie totale ou radiothérapie.\n"), "\(french.stdout)"
        )
        let english = try run(cli, ["--template", "localised-prostate-cancer"], lines: start, language: "en")
        #expect(
            english.stdout.contains(
                "Clinician name: Template localised-prostate-cancer@2026.1: "
                    + "Localised prostate cancer — active surveillance, radical prostatectomy or radical radiotherapy.\n"),
            "\(english.stdout)")
        #expect(try cli.run(["session", "list"]).stdout.isEmpty, "the answers ended before the start")

        let typed = try cli.run(Self.commands[0])
        #expect(typed.status == 0, "\(typed.stderr)")
        let continued = try run(cli, ["--session", "S1"], lines: ["quit"], language: "fr")
        #expect(
            continued.stdout.hasPrefix(
                "Accord — consultation guidée. Tapez « skip » pour passer une question, « quit » pour arrêter (ce qui est saisi est conservé).\n"
                    + "Reprise de la session S1.\n"), "\(continued.stdout)")
        #expect(try cli.run(["session", "close", "S1"]).status == 0)
        let closed = try run(cli, ["--session", "S1"], lines: [], language: nil)
        #expect(closed.status == 1)
        #expect(
            closed.stderr
                == "accord: error: la session S1 est close ; modifiez-la avec les commandes de modification et --reason.\n")
    }

    /// An ACCORD_LANG Accord does not speak stops `accord run` before its first question.
    @Test(arguments: ["de", "de_DE.UTF-8", "français"])
    func anUnknownLanguageIsRefusedBeforeAnyQuestion(value: String) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try run(cli, lines: Self.answers, language: value)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "accord: error: ACCORD_LANG: is not a language Accord speaks; expected fr or en, alone or as a locale such as fr_FR.UTF-8 or en_GB (French when unset).\n"
        )
        #expect(try cli.run(["session", "list"]).stdout.isEmpty)
    }

    @Test func quittingMidwayKeepsWhatWasEntered() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = Array(Self.answers.prefix(14)) + ["quit"]
        let result = try run(cli, lines: lines)
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                "Stopped. Session S1 keeps everything recorded so far (an entry left half-typed is not recorded); continue with `accord run --session S1`."
            ))
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(consultation.participants.map(\.entry.rawValue) == ["P1", "P2"])
        #expect(consultation.phases.map(\.phase) == [.team])
        #expect(consultation.status == .open)
        // Continue where it stopped: the trusted person, then stop at the end of input.
        let more = try run(cli, ["--session", "S1"], lines: ["trusted-person", "Anne Marchand"])
        #expect(more.stdout.contains("Continuing session S1."))
        #expect(more.stdout.contains("Added P3."))
        // The team talk had begun: it is not recorded twice.
        let continued = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(continued.phases.map(\.phase) == [.team])
        // Once the option talk has begun, a continued session goes on from it.
        #expect(try cli.run(["phase", "S1", "option"]).status == 0)
        let later = try run(cli, ["--session", "S1"], lines: ["Surveillance active"])
        #expect(!later.stdout.contains("Team talk"))
        #expect(later.stdout.contains("Option talk"))
        let last = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(last.phases.map(\.phase) == [.team, .option])
    }

    /// Answers that run out before the session starts: an error, nothing recorded.
    @Test func answersEndingBeforeTheStartAreAnError() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try run(cli, lines: ["810123456781", "Dr X", "", ""])
        #expect(result.status == 1)
        #expect(result.stderr == "accord: error: the answers ended before a session could be started; nothing was recorded.\n")
        #expect(try cli.run(["session", "list"]).stdout.isEmpty)
        let quit = try run(cli, lines: ["quit"])
        #expect(quit.status == 0)
        #expect(quit.stdout.contains("Stopped before a session was started; nothing was recorded."))
    }

    @Test func aPatientWithoutINSIsStartedWithItsStatusAndIPP() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = [
            "810123456781", "Dr X", "", "MARCHAND", "LUC", "1958-05-17", "M", "69123", "qualified", "validated", "IPP-5", "t", "", "no",
            "quit",
        ]
        let result = try run(cli, lines: lines)
        #expect(result.stdout.contains("Session S1 started."), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "  identity status: is qualified, a status the INSi teleservice gives with the INS, but no INS was given; expected provisional or validated for an identity without INS."
            ), "\(result.stdout)")
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(consultation.start.patient.ins == nil && consultation.start.identityStatus == .validated)
        #expect(consultation.start.ipp == InstanceIdentifier(root: "2.999.1.2", extension_: "IPP-5"))
    }

    @Test func refusedAnswersAreExplainedAndAskedAgain() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = [
            "810123456782", "810123456781", "Dr X", "158056912345606", "", "MARCHAND", "LUC", "1958-02-30", "1958-05-17", "Z", "M", "69123",
            "", "", "t", "skip", "maybe", "no",
        ]
        let result = try run(cli, lines: lines)
        #expect(
            result.stdout.contains(
                "  clinician: the IdNat_PS has an RPPS number whose Luhn check digit is wrong; expected 8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id."
            ))
        #expect(result.stdout.contains("  birth date: is not a calendar date; expected YYYY-MM-DD."))
        #expect(result.stdout.contains("  sex: is not an administrative sex; expected F, M or U."))
        #expect(result.stdout.contains("  answer: is not yes or no; expected yes or no."))
        #expect(result.stdout.contains("Session S1 started."))
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(!consultation.patient.present)
        #expect(consultation.start.patient.insOID == KnownOID.insNIR)
    }
}
