import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension ConsoleServer {
    static let sessionCookie = "cv_session"
    static let maxFormBytes = 1 << 20

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.compactText)))
    }

    static func csv(_ rows: [[String]], filename: String) -> Response {
        let text = rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Quotes a CSV field, and defuses cells a spreadsheet would run as a formula.
    static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    static func seeOther(_ location: String) -> Response { .redirect(to: location, type: .normal) }

    /// The body of a form post (already buffered by the CSRF check for cookie sessions).
    static func form(_ request: Request, limit: Int = maxFormBytes) async throws -> Form {
        let request = request
        let body = try await request.body.collect(upTo: limit)
        return Form(String(buffer: body))
    }

    /// A JSON request body, bounded.
    static func jsonBody(_ request: Request, limit: Int = 1 << 20) async throws -> JSONValue {
        // Only JSON: a cross-site form cannot send application/json without a CORS preflight.
        guard let type = request.headers[.contentType], type.hasPrefix("application/json") else {
            throw ConsoleError(.unsupportedMediaType, "send the body as application/json")
        }
        let request = request
        let body = try await request.body.collect(upTo: limit)
        do {
            return try JSONParser().parse(String(buffer: body))
        } catch {
            throw ConsoleError(.badRequest, "the body is not valid JSON: \(error)")
        }
    }
}

/// `application/x-www-form-urlencoded` fields (repeated names keep every value).
struct Form: Sendable {
    var fields: [(String, String)] = []

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true).prefix(10_000) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }

    static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }
}

extension Request {
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    func queryInt(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ConsoleError(.badRequest, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func queryFlag(_ name: String) throws -> Bool {
        guard let text = query(name) else { return false }
        switch text {
        case "1", "true", "on", "yes": return true
        case "0", "false", "off", "no": return false
        default: throw ConsoleError(.badRequest, "\(name) must be true or false")
        }
    }

    /// A date (`YYYY-MM-DD`) or timestamp parameter.
    func queryTime(_ name: String) throws -> Timestamp? {
        guard let text = query(name) else { return nil }
        if let time = Timestamp(iso8601: text) ?? Timestamp(iso8601: text + "T00:00:00Z") { return time }
        throw ConsoleError(.badRequest, "\(name) must be a date like 2026-11-29 or an ISO 8601 time")
    }
}

extension ConsoleContext {
    func pathID(_ name: String = "id") throws -> Int64 {
        guard let text = parameters.get(name), let id = Int64(text), id > 0 else {
            throw ConsoleError(.badRequest, "\(name) must be a positive whole number")
        }
        return id
    }
}
