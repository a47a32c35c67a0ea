import ChatVaultArchive
import ChatVaultCore

extension Importer {
    /// How many rejected entries an `archive.import` audit event names.
    public static let auditedRejections = 20

    /// Records the outcome of one file in the audit trail: source, format, counts per
    /// kind, and the first rejections as `FILE:LINE: reason`. Reasons name positions and
    /// fields, never message text, so the trail holds no content the redactor has not seen.
    func recordSummary(of report: FileReport, format: String, refused: Bool) async throws {
        let detail: JSONValue = .object([
            ("source", .string(report.path)), ("format", .string(format)), ("imported", .number(String(report.imported))),
            ("duplicates", .number(String(report.duplicates))), ("rejected", .number(String(report.rejected))),
            ("redactions", .number(String(report.redactions))),
            ("refused", .bool(refused)), ("strict", .bool(strict)),
            ("kinds", .object(EventKinds.names.map { ($0, .number(String(report.kinds[$0] ?? 0))) })),
            ("rejections", .array(report.errors.prefix(Self.auditedRejections).map { .string($0.description) })),
        ])
        _ = try await archive.recordAudit(action: "archive.import", actor: actor, detail: detail)
    }
}
