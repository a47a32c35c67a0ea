import ChatVaultCore
import Foundation

/// Printing for people and for programs. Every message body is hostile: control
/// characters (ANSI escapes among them) are made visible before they reach a terminal.
enum Terminal {
    static let isInteractive = isatty(STDOUT_FILENO) == 1

    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func error(_ message: String) {
        err("chatvault: error: \(message)")
    }

    static func json(_ value: JSONValue) {
        out(value.compactText)
    }

    /// `text` with C0/C1 control characters (except newline and tab when allowed) shown as `\u{…}`.
    static func safe(_ text: String, allowNewlines: Bool = false) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (v == 0x0A || v == 0x09) && allowNewlines {
                result.unicodeScalars.append(scalar)
            } else if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x202E || v == 0x202D {
                result += v == 0x0A ? " " : "\\u{\(String(v, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func bold(_ text: String) -> String {
        isInteractive ? "\u{1B}[1m" + text + "\u{1B}[0m" : "«" + text + "»"
    }

    static func dim(_ text: String) -> String {
        isInteractive ? "\u{1B}[2m" + text + "\u{1B}[0m" : text
    }

    /// A snippet with highlights in bold (terminal) or «» (pipe), everything else made safe.
    static func render(_ snippet: Snippet) -> String {
        snippet.segments.map { $0.isMatch ? bold(safe($0.text)) : safe($0.text) }.joined()
    }

    /// Reads one line from standard input. When standard input is a terminal, `prompt` goes to
    /// standard error and echo is switched off while the line is typed (and restored after,
    /// also when reading fails), so a password is never shown or left in the scrollback.
    static func readSecret(prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        // Echo goes off before the prompt is shown, so nothing typed after it can appear.
        guard tcsetattr(STDIN_FILENO, TCSANOW, &silent) == 0 else { return nil }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        FileHandle.standardError.write(Data(prompt.utf8))
        return readLine(strippingNewline: true)
    }

    /// `2024-03-01 09:15:00Z`
    static func time(_ timestamp: Timestamp) -> String {
        let iso = timestamp.iso8601
        let seconds = iso.prefix(19)
        return seconds.replacing("T", with: " ") + "Z"
    }
}
