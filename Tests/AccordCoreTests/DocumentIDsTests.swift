import AccordCore
import Foundation
import Testing

/// Ids that never collide (issue 15, part 4): each export profile its own id branch, the
/// product's OIDs on Accord's own arc, and no centre root that could reach them.
@Suite struct DocumentIDsTests {
    @Test func eachProfileHasItsOwnBranch() {
        #expect(DocumentIDs.branch(profile: "cda-fr") == "1")
        #expect(DocumentIDs.branch(profile: "cda-fr+pseudonymised") == "1")
        #expect(DocumentIDs.branch(profile: "fhir-r4") == "3")
        #expect(DocumentIDs.branch(profile: "fhir-r4+pseudonymised") == "3")
        #expect(DocumentIDs.branch(profile: "a") == "4.40")
        #expect(DocumentIDs.branch(profile: "centre-simple") == "4." + DocumentIDs.customProfileNumber("centre-simple"))
        let session = SessionID(number: 12)
        #expect(DocumentIDs.documentID(root: "1.2.250.1.999.7", branch: "3", session: session, version: 2) == "1.2.250.1.999.7.3.12.2")
        #expect(DocumentIDs.setID(root: "1.2.250.1.999.7", branch: "1", session: session) == "1.2.250.1.999.7.1.12")
    }

    /// Bijective base 66: distinct names, distinct numbers (checked on every name of up to two
    /// characters, and on names that differ by order or length only).
    @Test func customProfileNumbersNeverRepeat() {
        let alphabet = Array("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz").map(String.init)
        var names = alphabet
        for first in alphabet { for second in alphabet { names.append(first + second) } }
        names += ["centre-simple", "centre-simpl", "centre-simplee", "elpmis-ertnec", "a-b", "b-a", "A", "a", "0", "00", "000"]
        let numbers = names.map(DocumentIDs.customProfileNumber)
        #expect(Set(numbers).count == Set(names).count)
        #expect(numbers.allSatisfy { $0.first != "0" && $0.allSatisfy(\.isNumber) })
        #expect(DocumentIDs.customProfileNumber("-") == "1")
        #expect(DocumentIDs.customProfileNumber("--") == "67")
    }

    /// A cda-fr version whose id under branch 1 was issued before the branches by another
    /// profile (a FHIR document that shared ROOT.1.S.V) goes to the fallback branch 5; the
    /// other profiles never meet the legacy ids.
    @Test func aNewVersionNeverTakesAnIdIssuedBefore() {
        let session = SessionID(number: 1)
        let legacyFHIR: Set = ["2.999.1.1.1.1"]
        #expect(
            DocumentIDs.nextBranch(profile: "cda-fr", setBranch: nil, session: session, version: 1, root: "2.999.1", issued: legacyFHIR)
                == "5")
        #expect(
            DocumentIDs.nextBranch(profile: "cda-fr", setBranch: nil, session: session, version: 2, root: "2.999.1", issued: legacyFHIR)
                == "1")
        #expect(
            DocumentIDs.nextBranch(profile: "fhir-r4", setBranch: nil, session: session, version: 2, root: "2.999.1", issued: legacyFHIR)
                == "3")
        #expect(
            DocumentIDs.nextBranch(profile: "cda-fr", setBranch: "5", session: session, version: 2, root: "2.999.1", issued: legacyFHIR)
                == "5")
    }

    @Test func issuesWithoutABranchReadAsTheLegacyOne() throws {
        let issue = DocumentIssue(
            profile: "fhir-r4", version: 1, idRoot: "2.999.1", documentID: "2.999.1.1.1.1", replaces: nil,
            documentTime: Date(timeIntervalSince1970: 0),
            sha256: String(repeating: "0", count: 64), recordSequence: 3, centreSequence: nil)
        #expect(issue.idBranch == nil)
        #expect(issue.branch == "1")
    }

    @Test(arguments: ["2.25", KnownOID.accordArc, KnownOID.accordArc + ".1", KnownOID.accordArc + ".7.4"])
    func aCentreRootThatReachesAccordsArcIsRefused(root: String) throws {
        var settings = CentreSettings.example
        settings.finess = "750712184"
        settings.oidRoot = root
        let error = try #require(throws: AccordError.self) { try settings.validate() }
        #expect(error.field == "--oid-root")
        #expect(
            error.message
                == "the OID root contains, or lies under, Accord's own arc 2.25.283297555832327549653822455234110437042 (its templateId and local code system), so ids could collide with them; expected the centre's OID such as 1.2.250.1.999.1, or an example root such as 2.999.1."
        )
    }

    @Test(arguments: ["2.999.1", "2.25.2832975558323275496538224552341104370420", "1.2.250.1.999.7", "2.25.1"])
    func otherRootsAreAccepted(root: String) throws {
        var settings = CentreSettings.example
        settings.finess = "750712184"
        settings.oidRoot = root
        try settings.validate()
    }
}
