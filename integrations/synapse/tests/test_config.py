"""Unit tests of the module's config parser and message reading (no Synapse needed).

    python3 -m unittest discover -s integrations/synapse/tests
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from chatvault_synapse.config import ChatVaultConfigError, parse_config  # noqa: E402
from chatvault_synapse.content import UnreadableMessage, read_message, replaced_content  # noqa: E402

TOKEN = "cvt_0123456789abcdef"


class ParseConfigTests(unittest.TestCase):
    def test_defaults(self):
        config = parse_config({"url": "http://127.0.0.1:8080/", "token": TOKEN})
        self.assertEqual(config.url, "http://127.0.0.1:8080")
        self.assertEqual(config.fail_mode, "closed")
        self.assertFalse(config.fails_open)
        self.assertEqual(config.timeout_ms, 1500)
        self.assertEqual(config.notice_user, "chatvault")
        self.assertNotIn(TOKEN, repr(config))

    def test_token_file_and_full_notice_user(self):
        with tempfile.NamedTemporaryFile("w", delete=False) as handle:
            handle.write(TOKEN + "\n")
        try:
            config = parse_config(
                {"url": "https://cv.example", "token_file": handle.name, "notice_user": "@bot:example", "fail_mode": "open"}
            )
        finally:
            os.unlink(handle.name)
        self.assertEqual(config.token, TOKEN)
        self.assertEqual(config.notice_user, "bot")
        self.assertTrue(config.fails_open)

    def test_refusals_name_the_key(self):
        cases = {
            "url": {"token": TOKEN},
            "'url' must be an http": {"url": "file:///etc/passwd", "token": TOKEN},
            "must not carry credentials": {"url": "http://u:p@h", "token": TOKEN},
            "exactly one of 'token' and 'token_file'": {"url": "http://h", "token": TOKEN, "token_file": "/x"},
            "cannot read 'token_file'": {"url": "http://h", "token_file": "/nonexistent/token"},
            "printable ASCII": {"url": "http://h", "token": "short"},
            "'timeout_ms'": {"url": "http://h", "token": TOKEN, "timeout_ms": 0},
            "'fail_mode' must be one of closed, open": {"url": "http://h", "token": TOKEN, "fail_mode": "ajar"},
            "'notice_user'": {"url": "http://h", "token": TOKEN, "notice_user": "Bad User"},
            "unknown config key(s) fail-mode": {"url": "http://h", "token": TOKEN, "fail-mode": "open"},
            "must be a string": {"url": 8080, "token": TOKEN},
        }
        for expected, config in cases.items():
            with self.subTest(expected=expected):
                with self.assertRaises(ChatVaultConfigError) as raised:
                    parse_config(config)
                self.assertIn(expected, str(raised.exception))
        with self.assertRaises(ChatVaultConfigError):
            parse_config(None)
        with self.assertRaises(ChatVaultConfigError):
            parse_config({"url": "http://h", "token": TOKEN, "timeout_ms": True})


class ReadMessageTests(unittest.TestCase):
    def test_plain_and_matching_html_are_kept(self):
        self.assertEqual(read_message({"msgtype": "m.text", "body": "hello"}), ("hello", None))
        text, rewritten = read_message(
            {"body": "**hi** [there](https://x.example)", "format": "org.matrix.custom.html",
             "formatted_body": "<strong>hi</strong> <a href=\"https://x.example\">there</a>"}
        )
        self.assertEqual(text, "**hi** [there](https://x.example)")
        self.assertIsNone(rewritten)

    def test_html_saying_something_else_is_dropped(self):
        content = {"msgtype": "m.text", "body": "nothing here", "format": "org.matrix.custom.html",
                   "formatted_body": "card 4111 1111 1111 1111"}
        text, rewritten = read_message(content)
        self.assertEqual(text, "nothing here")
        self.assertEqual(rewritten, {"msgtype": "m.text", "body": "nothing here"})

    def test_edit_is_decided_on_its_new_text_and_fallback_rebuilt(self):
        content = {"msgtype": "m.text", "body": "* clean", "m.new_content": {"msgtype": "m.text", "body": "secret 4111"},
                   "m.relates_to": {"rel_type": "m.replace", "event_id": "$e"}}
        text, rewritten = read_message(content)
        self.assertEqual(text, "secret 4111")
        self.assertEqual(rewritten["body"], "* secret 4111")
        redacted = replaced_content(content, "secret [CARD]", redacted=True)
        self.assertEqual(redacted["m.new_content"]["body"], "secret [CARD]")
        self.assertEqual(redacted["body"], "* secret [CARD]")
        self.assertEqual(redacted["m.relates_to"], {"rel_type": "m.replace", "event_id": "$e"})

    def test_hostile_bodies(self):
        with self.assertRaises(UnreadableMessage):
            read_message({"body": {"nested": 1}})
        with self.assertRaises(UnreadableMessage):
            read_message({"body": "x" * 70_000})
        text, _ = read_message({"body": "lone \ud800 surrogate \u0000 nul"})
        text.encode("utf-8")  # encodable
        self.assertIn("nul", text)
        _, rewritten = read_message({"body": "a", "formatted_body": "<b>a</b><script>b</script>"})
        self.assertIsNone(rewritten)
        _, rewritten = read_message({"body": "a", "formatted_body": ["not", "html"]})
        self.assertEqual(rewritten, {"body": "a"})

    def test_replacement_drops_html_and_keeps_media(self):
        content = {"msgtype": "m.image", "body": "4111 1111 1111 1111.png", "filename": "4111 1111 1111 1111.png",
                   "url": "mxc://h/x", "info": {"size": 1}, "formatted_body": "<b>4111</b>", "format": "org.matrix.custom.html"}
        out = replaced_content(content, "[CARD].png", redacted=True)
        self.assertEqual(out, {"msgtype": "m.image", "body": "[CARD].png", "filename": "[CARD].png", "url": "mxc://h/x",
                               "info": {"size": 1}, "org.chatvault.redacted": True})


if __name__ == "__main__":
    unittest.main()
