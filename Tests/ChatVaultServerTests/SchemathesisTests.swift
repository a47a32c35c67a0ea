import Foundation
import Testing

/// The REST API against its own OpenAPI document: `scripts/web/schemathesis.sh` runs
/// Schemathesis with officer, ingest and admin credentials; no 5xx and no response that
/// contradicts the document may be found.
@Suite("API against its OpenAPI document", .serialized)
struct SchemathesisTests {
    @Test("schemathesis.sh finds no server error or spec mismatch")
    func schemathesis() throws {
        guard WebScripts.available(tools: ["curl", "timeout"], venvModules: ["schemathesis"]) else { return }
        let script = WebScripts.root.appendingPathComponent("scripts/web/schemathesis.sh").path
        let output = try WebScripts.run("/bin/bash", [script])
        #expect(output.status == 0, "schemathesis.sh exited \(output.status):\n\(output.text)")
        #expect(output.text.contains("schemathesis: all runs passed"), "no success line:\n\(output.text)")
    }
}
