import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `accord serve` and the centre's instrument wording file (`ACCORD_INSTRUMENT_WORDING`).
@Suite
struct WebPatientScreenServeTests {
    @Test func aBadWordingFileStopsTheServerNamingTheVariable() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let path = cli.folder.appendingPathComponent("wording.yaml").path
        try "sdm-q-9:\n  \"2010\":\n    fr:\n      12: \"Item 12 wording (test)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try cli.run(["serve"], environment: ["ACCORD_INSTRUMENT_WORDING": path])
        #expect(bad.status == 1)
        #expect(
            bad.stderr
                == "accord: error: ACCORD_INSTRUMENT_WORDING: gives sdm-q-9 fr an item number out of range; expected item numbers 1 to 9.\n"
        )
        let missing = try cli.run(["serve"], environment: ["ACCORD_INSTRUMENT_WORDING": path + ".absent"])
        #expect(missing.status == 74)
        #expect(
            missing.stderr
                == "accord: error: ACCORD_INSTRUMENT_WORDING: the instrument wording file cannot be read; give the path of a readable YAML file.\n"
        )
    }
}
