import Foundation
import GoldenSupport
import Testing
@testable import nntop

/// The view needs a terminal on both ends; the message names the stream that is not one, and a wrong model
/// argument is reported before any of that.
@Suite struct TerminalCheckTests {
    @Test func theMessageNamesTheStreamThatIsNotATerminal() {
        #expect(TerminalCheck.problem(stdin: true, stdout: true) == nil)
        #expect(TerminalCheck.problem(stdin: false, stdout: true)?.contains("(stdin is not a terminal)") == true)
        #expect(TerminalCheck.problem(stdin: true, stdout: false)?.contains("(stdout is not a terminal)") == true)
        #expect(TerminalCheck.problem(stdin: false, stdout: false)?.contains("stdin and stdout are not terminals") == true)
    }

    @Test func anUnknownModelIsReportedEvenWhenPiped() throws {
        let out = try NNTopBinary.run(["nosuchmodel"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("unknown model 'nosuchmodel'"), "\(out.stderr)")
        #expect(!out.stderr.contains("terminal"))
    }
}
