import ChatVaultCore
import Foundation
import Testing

@testable import ChatVaultIngest

/// Issue 13 item 12: a zip inside a zip, or a zip attachment read while importing one,
/// gets no fresh allowance: the whole import of the outer zip shares one budget.
@Suite struct SafeZipHardeningTests {
    func rejects(_ body: () throws -> Void, containing reason: String, sourceEnds suffix: String) {
        do {
            try body()
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.source.hasSuffix(suffix), "\(error)")
        } catch {
            Issue.record("not an InputError: \(error)")
        }
    }

    /// 700 kB of hexadecimal text: compresses about 2:1, far from the bomb ratio.
    static func text() -> [UInt8] {
        var random = SplitMix64(state: 7)
        return (0..<700_000).map { _ in Array("0123456789abcdef".utf8)[Int(random.next() % 16)] }
    }

    @Test func aNestedZipSpendsTheOuterZipsBudget() async throws {
        try await Fixtures.with { fixtures, _ in
            let inner = try fixtures.zip("inner.zip", [("big.txt", Self.text())])
            let innerBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: inner)))
            let outer = try fixtures.zip("outer.zip", [("inner.zip", innerBytes)], compress: false)
            let limits = SafeZip.Limits(maxTotalBytes: 1_000_000)
            // Alone, the inner zip fits the limit.
            #expect(try SafeZip(path: inner, limits: limits).read("big.txt").count == 700_000)
            // Inside the outer one it does not: reading inner.zip already spent part of it.
            let nested = try SafeZip(path: outer, limits: limits).nested("inner.zip")
            rejects({ _ = try nested.read("big.txt") }, containing: "in total", sourceEnds: "outer.zip/inner.zip")
        }
    }

    @Test func aZipAttachmentReadDuringAnImportSpendsItsBudget() async throws {
        try await Fixtures.with { fixtures, _ in
            let inner = try fixtures.zip("inner.zip", [("big.txt", Self.text())])
            let innerBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: inner)))
            let limits = SafeZip.Limits(maxTotalBytes: 1_000_000)
            try SafeZip.Budget.$current.withValue(SafeZip.Budget()) {
                _ = try SafeZip(path: inner, limits: limits).read("big.txt")
                let attachment = try SafeZip(data: innerBytes, name: "report.docx", limits: limits)
                rejects({ _ = try attachment.read("big.txt") }, containing: "in total", sourceEnds: "report.docx")
            }
            // Outside an import each zip has its own.
            #expect(try SafeZip(data: innerBytes, name: "report.docx", limits: limits).read("big.txt").count == 700_000)
        }
    }

    /// Checking a whole zip before importing it does not use up the import's budget.
    @Test func validationGivesItsBudgetBack() async throws {
        try await Fixtures.with { fixtures, _ in
            let path = try fixtures.zip("one.zip", [("big.txt", Self.text())])
            let zip = try SafeZip(path: path, limits: SafeZip.Limits(maxTotalBytes: 1_000_000))
            try zip.validateAll()
            #expect(zip.budget.inflated == 0)
            #expect(try zip.read("big.txt").count == 700_000)
        }
    }
}
