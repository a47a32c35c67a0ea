import ArgumentParser

/// `chatvault capture <kind>`: one live source in the foreground. Each kind is a
/// subcommand in its own file (`CaptureXMPP.swift`, `CaptureMatrix.swift`, `CaptureIRC.swift`).
struct Capture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture a live chat source into the vault until stopped (SIGTERM or Ctrl-C finish the batch at hand).",
        discussion: """
            Sources come from the options or from the vault's config.json "sources" (--source NAME). \
            `chatvault sources` shows how each source is doing. `chatvault serve` runs every \
            configured source next to the console. See docs/CAPTURE.md.
            """,
        subcommands: [CaptureXMPP.self, CaptureMatrix.self, CaptureIRC.self]
    )
}
