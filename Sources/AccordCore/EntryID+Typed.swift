extension EntryID {
    /// An entry id as a person types it (`o2`, `P3`): a letter of P, O, M, D, N, A or I and a
    /// number, in any case; as `accord entry withdraw` and the web's withdrawal form take it.
    /// - Parameters:
    ///   - text: what was typed.
    ///   - field: how the interface names the value in an error (`ENTRY`).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`, without echoing the value.
    public init(typed text: String, field: String = "ENTRY") throws {
        let id = EntryID(text)
        guard let kind = id.rawValue.first, "POMDNAI".contains(kind), id.rawValue.count > 1,
            id.rawValue.dropFirst().allSatisfy(\.isNumber)
        else {
            throw AccordError.invalid(
                field, "is not an entry id", accepted: "an entry id as `session show` lists it: P3, O2, M1, D1, N1, A1, I1…")
        }
        self = id
    }
}
