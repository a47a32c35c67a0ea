import Foundation
import Testing

/// The console in real headless Chromium: `scripts/web/browser_test.py` signs in as each demo
/// role, searches, opens conversations, checks that hostile message text stays text, closes
/// an alert with a coaching note, downloads a report CSV and reads the access trail.
@Suite("Console in a real browser", .serialized)
struct BrowserTests {
    @Test("browser_test.py passes against the built binary")
    func browserScript() throws {
        guard WebScripts.available(tools: ["chromium", "chromedriver"], venvModules: ["selenium"]) else { return }
        let script = WebScripts.root.appendingPathComponent("scripts/web/browser_test.py").path
        // Screenshots go to a temporary directory: the committed ones are refreshed by hand.
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-shots-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: shots) }
        let output = try WebScripts.run(WebScripts.python, [script, "--bin", WebScripts.binary, "--screenshots", shots.path])
        #expect(output.status == 0, "browser_test.py exited \(output.status):\n\(output.text)")
        #expect(output.text.contains("browser test: all checks passed"), "no success line:\n\(output.text)")
    }
}
