/// A decision template: a common oncology decision with its options, their benefits and
/// harms (figures only with their source), the elements a complete record must hold and
/// the instruments to suggest.
///
/// Templates are YAML files in `Templates/` (format in `Templates/README.md`). A
/// clinician starts a session from one; the session keeps ``reference`` (`ID@VERSION`).
///
/// ```swift
/// let template = try DecisionTemplate.parse(text, file: "localised-prostate-cancer.yaml")
/// template.reference   // "localised-prostate-cancer@2026.1"
/// ```
///
/// No clinical figure is ever invented: the parser refuses a figure without a source, a
/// source without title, year and address, and a benefit or harm whose text holds a
/// percentage or a frequency ("1 sur 10", "1 in 10") without a source.
public struct DecisionTemplate: Sendable, Hashable {
    /// The template's id, kebab-case (`early-breast-cancer-surgery`).
    public var id: String
    /// The template's version (`2026.1`): a year, a dot and a revision number.
    public var version: String
    /// The title in French and English.
    public var title: LocalizedText
    /// The decision to make, in French ("Quel traitement local choisir ?").
    public var decision: String
    /// The diagnosis the decision is about, in words, when the template is specific.
    public var condition: String?
    /// Why neither surveillance nor abstention is a reasonable option, when the template has
    /// no such option; `nil` otherwise.
    public var surveillanceNotReasonable: String?
    /// The options, in the order to present them.
    public var options: [Option]
    /// The elements a complete record of this decision must hold.
    public var requiredElements: [RecordElement]
    /// The instruments to suggest, by id (``knownInstruments``).
    public var instruments: [String]
    /// The sources cited by the benefits and harms.
    public var sources: [Source]

    public init(
        id: String, version: String, title: LocalizedText, decision: String, condition: String? = nil,
        surveillanceNotReasonable: String? = nil, options: [Option], requiredElements: [RecordElement],
        instruments: [String] = [], sources: [Source] = []
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.decision = decision
        self.condition = condition
        self.surveillanceNotReasonable = surveillanceNotReasonable
        self.options = options
        self.requiredElements = requiredElements
        self.instruments = instruments
        self.sources = sources
    }

    /// `ID@VERSION`, as sessions and option origins (`template:ID@VERSION`) record it.
    public var reference: String { "\(id)@\(version)" }

    /// The source with this id, if the template defines it.
    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }

    /// The instrument ids a template may suggest: the raw values of `InstrumentID`
    /// (`sure`, `collaborate`, `sdm-q-9`, …), so that a suggestion names an instrument
    /// Accord can score.
    public static var knownInstruments: [String] { InstrumentID.allCases.map(\.rawValue) }

    // MARK: - Nested types

    /// A text in French and English.
    public struct LocalizedText: Sendable, Hashable {
        /// French.
        public var fr: String
        /// English.
        public var en: String

        public init(fr: String, en: String) {
            self.fr = fr
            self.en = en
        }
    }

    /// An option of the decision.
    public struct Option: Sendable, Hashable {
        /// The kind of option (treatment, active surveillance, …).
        public var kind: OptionKind
        /// A short French label, unique in the template.
        public var label: String
        /// The benefits, each in words with an optional sourced figure.
        public var benefits: [Outcome]
        /// The harms, each in words with an optional sourced figure.
        public var harms: [Outcome]

        public init(kind: OptionKind, label: String, benefits: [Outcome] = [], harms: [Outcome] = []) {
            self.kind = kind
            self.label = label
            self.benefits = benefits
            self.harms = harms
        }
    }

    /// A benefit or a harm.
    public struct Outcome: Sendable, Hashable {
        /// The benefit or harm in words (French).
        public var text: String
        /// A figure copied from the source (absolute risk with its time frame), if any.
        public var figure: String?
        /// The id of the source in the template's ``DecisionTemplate/sources``; required with a figure.
        public var source: String?

        public init(text: String, figure: String? = nil, source: String? = nil) {
            self.text = text
            self.figure = figure
            self.source = source
        }

        /// The text as a consultation option stores it: the text, then the figure and the
        /// source's short citation when there is one.
        public func narrative(in template: DecisionTemplate) -> String {
            var result = text
            if let figure { result += " (\(figure))" }
            if let id = source, let source = template.source(id) { result += " [\(source.citation)]" }
            return result
        }
    }

    /// A public guideline or study the template cites.
    public struct Source: Sendable, Hashable {
        /// The id benefits and harms cite (`ebctcg-2011`).
        public var id: String
        /// The title of the guideline or study.
        public var title: String
        /// The year of publication.
        public var year: Int
        /// The public address (http or https).
        public var url: String

        public init(id: String, title: String, year: Int, url: String) {
            self.id = id
            self.title = title
            self.year = year
            self.url = url
        }

        /// `TITLE, YEAR, URL`.
        public var citation: String { "\(title), \(year), \(url)" }
    }
}
