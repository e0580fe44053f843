import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `accord session import FILE…`: many consultation files in one run.
@Suite struct BulkImportCommandTests {
    @Test func eachFileIsRecordedWholeOrReportedByItsPlaceAndName() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let good = Samples.sampleConsultationFile.path
        let bad = cli.folder.appendingPathComponent("sans-patient.yaml")
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        try text.replacingOccurrences(of: "\npatient:", with: "\npatient_x:").write(to: bad, atomically: true, encoding: .utf8)
        let missing = cli.folder.appendingPathComponent("absent.yaml").path
        let result = try cli.run(["session", "import", good, bad.path, good, missing])
        #expect(result.status == 1)
        #expect(result.stdout == "S1\nS2\n", "one id per recorded file, in order")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("accord: error: file 2 (\(bad.path)): in the consultation file, ") == true)
        #expect(
            lines.dropFirst().first
                == "accord: error: file 4 (\(missing)): cannot read the consultation file at the path given; check that it exists and is readable."
        )
        #expect(lines.last == "accord: 2 of 4 files recorded, 2 refused.")
        #expect(!result.stderr.contains("MARCHAND"), "no value of the files is echoed")
        let verify = try cli.run(["verify"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("head 22:"), "\(verify.stdout)")

        // All recorded: exit 0; one file alone keeps the single-file messages.
        let again = try cli.run(["session", "import", good, good])
        #expect(again.status == 0 && again.stdout == "S3\nS4\n" && again.stderr.isEmpty, "\(again.stderr)")
        let alone = try cli.run(["session", "import", bad.path])
        #expect(alone.status == 1 && alone.stdout.isEmpty)
        #expect(
            alone.stderr.hasPrefix("accord: error: in the consultation file, the consultation file: has an unknown key patient_x at line"))
        #expect(try cli.run(["session", "import"]).status == 64)
    }
}
