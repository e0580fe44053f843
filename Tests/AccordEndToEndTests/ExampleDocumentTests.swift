import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// For each profile, the document the sample consultation (`Examples/consultation.yaml`) gives
/// at a fixed `ACCORD_NOW` is committed as `Exports/PROFILE/sample-consultation.*`. This test
/// exports it again through the binary and fails when the committed file differs or stops
/// validating; `ACCORD_UPDATE_EXAMPLES=1` rewrites the files.
@Suite struct ExampleDocumentTests {
    static let profiles: [(profile: String, file: String, committed: String)] = [
        ("cda-fr", "S1-v1.cda.xml", "Exports/cda-fr/sample-consultation.cda.xml"),
        ("fhir-r4", "S1-v1.fhir.xml", "Exports/fhir-r4/sample-consultation.fhir.xml"),
        ("centre-simple", "S1-v1.centre-simple.xml", "Exports/centre-simple/sample-consultation.xml"),
    ]

    @Test(arguments: profiles.indices)
    func theCommittedSampleDocumentIsTheOneTheSampleConsultationGives(_ index: Int) throws {
        let (profile, file, committed) = Self.profiles[index]
        let cli = try AccordCLI(environment: ["ACCORD_EXPORTS": AccordCLI.packageRoot.appendingPathComponent("Exports").path])
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        var arguments = ["export", "S1", "--profile", profile, "--out", "out"]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let export = try cli.run(arguments)
        #expect(export.status == 0, "\(export.stderr)")
        let produced = try Data(contentsOf: cli.folder.appendingPathComponent("out/\(file)"))
        let committedURL = AccordCLI.packageRoot.appendingPathComponent(committed)
        if ProcessInfo.processInfo.environment["ACCORD_UPDATE_EXAMPLES"] == "1" {
            try produced.write(to: committedURL)
        }
        let expected = try Data(contentsOf: committedURL)
        #expect(
            produced == expected, "\(committed) is stale: regenerate with ACCORD_UPDATE_EXAMPLES=1 swift test --filter ExampleDocumentTests"
        )
        if profile == "cda-fr" {
            try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
            let kept = cdaOutput.appendingPathComponent("sample-consultation-committed.cda.xml")
            try? FileManager.default.removeItem(at: kept)
            try expected.write(to: kept)
        }
    }
}
