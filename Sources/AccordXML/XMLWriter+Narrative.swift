import AccordCore

extension XMLWriter {
    /// The participants table of a narrative (CDA narrative block or XHTML, which share the
    /// `table`/`thead`/`tbody`/`tr`/`th`/`td` elements): entry, role, name, function,
    /// identifier (INS for the patient, IdNat_PS for a professional), present. Withdrawn
    /// participants are left out.
    func participantsTable(_ consultation: Consultation) {
        startElement("table")
        startElement("thead")
        startElement("tr")
        for heading in ["Entrée", "Rôle", "Nom", "Fonction", "Identifiant", "Présent"] { element("th", text: heading) }
        endElement()
        endElement()
        startElement("tbody")
        for participant in consultation.participants where !participant.withdrawn {
            startElement("tr")
            element("td", text: participant.entry.rawValue)
            element("td", text: participant.role.frenchLabel)
            element("td", text: participant.name)
            element("td", text: participant.function ?? "")
            let identifier =
                participant.role == .patient
                ? "INS \(consultation.start.patient.ins)" : participant.id.map { "IdNat_PS \($0)" } ?? ""
            element("td", text: identifier)
            element("td", text: participant.present ? "oui" : "non")
            endElement()
        }
        endElement()
        endElement()
    }
}
