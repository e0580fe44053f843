import Foundation

extension Consultation {
    /// Every key the session's patient is known by for the research objection, in the form of
    /// ``researchPatientKey``: the INS with its OID (`OID/INS`) when one is recorded, the IPP
    /// with its root (`IPP/ROOT/EXTENSION`) when one is, and the session (`session/S12`) only
    /// when neither is. A session is left out of pseudonymised exports when any of them belongs
    /// to a patient who objects (``ResearchObjections/objectingKeys(_:)``).
    public var researchIdentifierKeys: [String] {
        var keys: [String] = []
        if let ins = start.patient.ins { keys.append("\(start.patient.insOID ?? KnownOID.insNIR)/\(ins)") }
        if let ipp = start.ipp { keys.append("IPP/\(ipp.root)/\(ipp.extension_ ?? "")") }
        return keys.isEmpty ? ["session/\(id)"] : keys
    }

    /// Whether the session's patient objects to the re-use of their data for research, given
    /// the keys of the objecting patients (``ResearchObjections/objectingKeys(_:)``).
    public func patientObjectsToResearch(objectingKeys: Set<String>) -> Bool {
        researchIdentifierKeys.contains { objectingKeys.contains($0) }
    }
}

/// Which patients object to the re-use of their data for research (French rules give the
/// patient that right), decided from the latest research objection event of each session that
/// has one (``Change/researchObjection(objects:)``).
///
/// Sessions that share an identifier key (``Consultation/researchIdentifierKeys``: the INS, or
/// the IPP) are one patient, transitively; per patient, the latest of those events in the log
/// (by log sequence) decides: an objection recorded in S1 and withdrawn in S2 of the same INS
/// leaves no objection.
public enum ResearchObjections {
    /// The latest research objection event of one session.
    public struct Latest: Sendable, Hashable {
        /// The event's sequence in the whole log.
        public var sequence: Int64
        /// Whether it records an objection (`false`: a withdrawal).
        public var objects: Bool
        /// The session's ``Consultation/researchIdentifierKeys``.
        public var keys: [String]

        /// The latest research objection event of a session whose patient is known by `keys`.
        public init(sequence: Int64, objects: Bool, keys: [String]) {
            self.sequence = sequence
            self.objects = objects
            self.keys = keys
        }
    }

    /// The identifier keys of the patients who object: every key of each patient (sessions
    /// linked by a shared key) whose latest event records an objection.
    ///
    /// - Parameter latest: the latest event of each session that has one, in any order.
    /// - Returns: keys in the form of ``Consultation/researchIdentifierKeys``; empty when no
    ///   patient objects.
    public static func objectingKeys(_ latest: [Latest]) -> Set<String> {
        // Union-find over the keys: the sessions sharing one are one patient.
        var parent: [String: String] = [:]
        func root(_ key: String) -> String {
            var key = key
            while let next = parent[key], next != key { key = next }
            return key
        }
        for item in latest {
            for key in item.keys where parent[key] == nil { parent[key] = key }
            if let first = item.keys.first {
                for key in item.keys.dropFirst() {
                    let (a, b) = (root(first), root(key))
                    if a != b { parent[b] = a }
                }
            }
        }
        var decisive: [String: Latest] = [:]
        for item in latest {
            guard let first = item.keys.first else { continue }
            let patient = root(first)
            if let known = decisive[patient], known.sequence > item.sequence { continue }
            decisive[patient] = item
        }
        return Set(parent.keys.filter { decisive[root($0)]?.objects == true })
    }
}
