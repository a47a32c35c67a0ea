import ArgumentParser

struct Capture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture live chat from a server into the vault.",
        discussion: """
            Each subcommand runs one source in the foreground until SIGINT or SIGTERM, which \
            finish the batch at hand first. Sources can be configured under "sources" in the \
            vault's config.json and run with --source NAME. See docs/CAPTURE.md.
            """,
        subcommands: [CaptureMatrix.self, CaptureIRC.self])
}
