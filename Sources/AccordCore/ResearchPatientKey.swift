extension Consultation {
    /// What stands for the patient in research (pseudonymised) exports, before it is keyed:
    /// the INS with its OID whenever one is recorded (whatever the identity's status:
    /// `OID/INS`), else the IPP with its root (`IPP/ROOT/EXTENSION`), else the session
    /// (`session/S12`). The patient's pseudonym, the date shift and the research objection
    /// are all keyed on it, so that every session of one
    /// patient agrees.
    public var researchPatientKey: String {
        if let ins = start.patient.ins { return "\(start.patient.insOID ?? KnownOID.insNIR)/\(ins)" }
        if let ipp = start.ipp { return "IPP/\(ipp.root)/\(ipp.extension_ ?? "")" }
        return "session/\(id)"
    }
}
