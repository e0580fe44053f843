import AccordCore
import Foundation
import Testing

@Suite struct ProcessEnvironmentTests {
    /// `all` and `value` agree on every variable of this process, and with Foundation's
    /// dictionary where a variable is given once (what a shell gives).
    @Test func theDictionaryAndEachVariableAgree() throws {
        let all = ProcessEnvironment.all
        #expect(!all.isEmpty)
        for (name, value) in all {
            #expect(ProcessEnvironment.value(name) == value, "\(name)")
        }
        #expect(all == ProcessInfo.processInfo.environment)
        #expect(ProcessEnvironment.value("ACCORD_SURELY_UNSET_VARIABLE") == nil)
        #expect(ProcessEnvironment.nonEmpty("ACCORD_SURELY_UNSET_VARIABLE") == nil)
        let path = try #require(ProcessEnvironment.nonEmpty("PATH"))
        #expect(path == ProcessInfo.processInfo.environment["PATH"])
    }
}
