public import ChatVaultArchive
import ChatVaultCore
public import Crypto
public import Foundation

/// Checks an export folder with only the vault's public key: every file against the
/// manifest, every inclusion proof against the signed checkpoint, and, for JSONL, that
/// each exported record is the one its proof covers.
public enum ExportVerifier {
    public struct Report: Sendable {
        public var filesChecked = 0
        public var proofsChecked = 0
        /// Each problem names the file (and line) it was found in.
        public var problems: [String] = []
        public var isIntact: Bool { problems.isEmpty }
    }

    public static func verify(directory: URL, publicKey: Curve25519.Signing.PublicKey) -> Report {
        var report = Report()
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            report.problems.append("manifest.json: missing")
            return report
        }
        let manifest: ExportManifest
        do {
            manifest = try JSONDecoder().decode(ExportManifest.self, from: data)
        } catch {
            report.problems.append("manifest.json: not a ChatVault export manifest (\(error))")
            return report
        }
        if !manifest.checkpoint.isSigned(by: publicKey) {
            report.problems.append("manifest.json: the checkpoint's signature is not valid for this key")
        }
        let listed = Set(manifest.files.map(\.path))
        for file in manifest.files {
            report.filesChecked += 1
            let url = directory.appendingPathComponent(file.path)
            guard let actual = try? describe(url, as: file.path) else {
                report.problems.append("\(file.path): missing")
                continue
            }
            if actual != file { report.problems.append("\(file.path): does not match the manifest (changed after export)") }
        }
        for path in allFiles(in: directory) where path != "manifest.json" && !listed.contains(path) {
            report.problems.append("\(path): not listed in the manifest")
        }

        let proofLines = lines(of: directory.appendingPathComponent(manifest.proofs))
        let recordLines = manifest.exportFormat == ExportFormat.jsonl.rawValue ? lines(of: directory.appendingPathComponent("messages.jsonl")) : nil
        for (index, line) in proofLines.enumerated() {
            let place = "\(manifest.proofs):\(index + 1)"
            guard let proof = try? JSONDecoder().decode(InclusionProof.self, from: Data(line.utf8)) else {
                report.problems.append("\(place): not an inclusion proof")
                continue
            }
            report.proofsChecked += 1
            do {
                try proof.verify(publicKey: publicKey)
            } catch {
                report.problems.append("\(place): \(error)")
            }
            if proof.checkpoint != manifest.checkpoint { report.problems.append("\(place): proves against another checkpoint than the manifest's") }
            if let recordLines, index < recordLines.count, recordLines[index] != proof.record {
                report.problems.append("messages.jsonl:\(index + 1): is not the record its proof covers")
            }
        }
        if proofLines.count != manifest.messages {
            report.problems.append("\(manifest.proofs): \(proofLines.count) proofs for \(manifest.messages) messages")
        }
        if let recordLines, recordLines.count != proofLines.count {
            report.problems.append("messages.jsonl: \(recordLines.count) records for \(proofLines.count) proofs")
        }
        return report
    }

    static func describe(_ url: URL, as path: String) throws -> ExportManifest.File {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += chunk.count
        }
        return ExportManifest.File(path: path, sha256: Array(hasher.finalize()).hexString, bytes: bytes)
    }

    static func lines(of url: URL) -> [String] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    package static func allFiles(in directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                paths.append(path)
            }
        }
        return paths
    }
}
