import ArgumentParser
import ChatVaultArchive

@main
struct ChatVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatvault",
        abstract: "A tamper-evident compliance archive for workplace chat.",
        discussion: """
            Start with `chatvault demo` to see a working archive, or `chatvault init` and
            `chatvault import --format jsonl FILE` for your own. The vault directory is
            --vault, else $CHATVAULT_VAULT, else ./vault.
            """,
        subcommands: [
            Demo.self, Init.self, Import.self, Search.self, Show.self, Conversations.self, Verify.self, Prove.self,
            VerifyProof.self, CheckpointCommand.self, AttachmentCommand.self, Key.self, Status.self, Audit.self, Policy.self,
            Redact.self, AlertsCommand.self, DirectoryCommand.self, Export.self, VerifyExport.self, Retention.self, Hold.self,
            Serve.self, UserCommand.self, TokenCommand.self, Capture.self, Sources.self, Officer.self, ReportCommand.self,
        ]
    )

    /// Every file this process makes is private to its owner before any is made: the
    /// umask backs up the explicit 0600/0700 modes for files a library creates itself.
    static func main() async {
        PrivateFile.restrictProcessUmask()
        await main(nil)
    }
}
