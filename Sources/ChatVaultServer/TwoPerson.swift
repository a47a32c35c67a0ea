import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird

/// The two-person rules of the console and API.
///
/// A two-person action (a legal hold's release, an officer or auditor token an admin
/// created) needs two *distinct people*: each step must be taken by a person signed in with
/// a password (an API token is not a person: an admin could mint two), and the second
/// person's name must differ from the first's after ``Identity/normalised(_:)``.
extension ConsoleServer {
    /// Refuses the caller as a party to a two-person action unless they are signed in with a
    /// password and, when `firstPerson` is given, are someone else.
    func requireSecondPerson(after firstPerson: String?, _ context: ConsoleContext, action: String) throws {
        guard let principal = context.principal, principal.token == nil, context.sessionID != nil else {
            throw ConsoleError(.forbidden, "\(action) needs a person signed in with a password, not an API token (two-person rule)")
        }
        if let firstPerson, Identity.same(firstPerson, principal.name) {
            throw ConsoleError(.conflict, "\(action) was started by \(firstPerson); a second, different person must complete it")
        }
    }

    /// The check for a hold's release: proposing and confirming each need a signed-in person,
    /// and the confirming one must not be the proposer.
    func requireSecondPerson(releasingHold id: Int64, _ context: ConsoleContext) async throws {
        guard let hold = try await archive.holds().first(where: { $0.id == id }) else { throw ConsoleError(.notFound, "no hold \(id)") }
        try requireSecondPerson(after: hold.releaseProposedBy, context, action: "releasing hold \(id)")
    }

    var tokenApprovalEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/api/v1/tokens/pending", roles: [.officer], kind: .api, summary: "Officer and auditor tokens waiting for approval") {
                _, context in
                try await self.audit("console.tokens.pending", context, [])
                let pending = await self.accounts.tokens.filter { !$0.isUsable }
                return Self.json(
                    .object([
                        (
                            "tokens",
                            .array(
                                pending.map {
                                    .object([("name", .string($0.name)), ("role", .string($0.role.rawValue)), ("created_by", .string($0.createdBy))])
                                })
                        )
                    ]))
            },
            Endpoint(
                .post, "/api/v1/tokens/{name}/approve", roles: [.officer], kind: .api,
                summary: "Approve an officer or auditor token an admin created (another officer, signed in)",
                parameters: [Endpoint.Parameter(name: "name", location: "path", type: "string", required: true, description: "Token name")],
                response: "Ok"
            ) { _, context in
                let name = context.parameters.get("name") ?? ""
                guard let token = await self.accounts.tokens.first(where: { $0.name == name }) else {
                    throw ConsoleError(.notFound, "no token named \(name)")
                }
                try self.requireSecondPerson(after: token.createdBy, context, action: "approving token \(name)")
                try await self.audit("console.token.approve", context, [("token", .string(name)), ("token_role", .string(token.role.rawValue))])
                do {
                    _ = try await self.accounts.approveToken(name: name, by: context.principal!.name)
                } catch let error as AccountStore.Failure {
                    throw ConsoleError(.conflict, error.description)
                }
                return Self.json(.object([("ok", .bool(true))]))
            },
        ]
    }
}
