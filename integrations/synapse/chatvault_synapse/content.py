"""What a message says, read from a hostile m.room.message content, and its redacted form.

The rule: what a recipient's client shows is exactly the text ChatVault decided on. A
message's text is its `body` (or, for an edit, `m.new_content.body`). Any other carrier of
text that says something else is rewritten before delivery: an HTML `formatted_body` whose
visible words differ from the body is dropped, and an edit's fallback `body` is rebuilt
from the new text. Pure Python (no Synapse import).
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from typing import Any, Mapping

# Synapse refuses events over 64 KiB, so a longer text is not a message a client sent.
MAX_TEXT_CHARS = 65_536


class UnreadableMessage(ValueError):
    """The content cannot be read as a message (its text is not a string, or too long)."""


def clean(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Text safe to JSON-encode as UTF-8: lone surrogates replaced, bounded."""
    text = text[:limit]
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


class _Visible(HTMLParser):
    """The words an HTML body shows, link targets included after the link text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "mx-reply"):
            self._hidden += 1
        if tag == "a":
            self._links.append(dict(attrs).get("href") or "")
        if tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "mx-reply") and self._hidden:
            self._hidden -= 1
        if tag == "a" and self._links:
            self.parts.append(" " + self._links.pop())

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def formatted_matches(body: str, html: str) -> bool:
    """True when the HTML shows the same letters and digits as the plain body, in order."""
    parser = _Visible()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a parser failure on hostile markup: treat as not matching
        return False
    return _letters("".join(parser.parts)) == _letters(body)


def read_message(content: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The text to decide on, and a rewritten content when the original must not be delivered as is.

    Raises UnreadableMessage for a body that is not a string or is too long.
    """
    body = content.get("body", "")
    if not isinstance(body, str):
        raise UnreadableMessage("the message body is not text")
    new_content = content.get("m.new_content")
    relates = content.get("m.relates_to")
    is_edit = isinstance(relates, Mapping) and relates.get("rel_type") == "m.replace" and isinstance(new_content, Mapping)
    text = body
    if is_edit:
        assert isinstance(new_content, Mapping)
        new_body = new_content.get("body", "")
        if not isinstance(new_body, str):
            raise UnreadableMessage("the edited message body is not text")
        text = new_body
    if len(text) > MAX_TEXT_CHARS:
        raise UnreadableMessage("the message is too long")
    rewritten: dict[str, Any] | None = None
    if is_edit:
        assert isinstance(new_content, Mapping)
        fallback = "* " + text
        if body != fallback or _carries_other_html(new_content, text) or _carries_other_html(content, body):
            rewritten = replaced_content(content, text)
    elif _carries_other_html(content, body):
        rewritten = dict(content)
        rewritten.pop("formatted_body", None)
        rewritten.pop("format", None)
    return clean(text), rewritten


def _carries_other_html(content: Mapping[str, Any], body: str) -> bool:
    html = content.get("formatted_body")
    if html is None:
        return False
    return not isinstance(html, str) or not formatted_matches(body, html)


_KEPT = ("m.relates_to", "m.mentions", "url", "info", "file")


def replaced_content(content: Mapping[str, Any], text: str, redacted: bool = False) -> dict[str, Any]:
    """The content to deliver instead: plain text only (no HTML), relations and media kept."""
    msgtype = content.get("msgtype")
    if not isinstance(msgtype, str) or len(msgtype) > 255:
        msgtype = "m.text"
    out: dict[str, Any] = {"msgtype": msgtype, "body": text}
    for key in _KEPT:
        if key in content:
            out[key] = content[key]
    if "filename" in content:
        out["filename"] = text
    new_content = content.get("m.new_content")
    relates = content.get("m.relates_to")
    if isinstance(relates, Mapping) and relates.get("rel_type") == "m.replace" and isinstance(new_content, Mapping):
        inner: dict[str, Any] = {"msgtype": msgtype, "body": text}
        for key in ("url", "info", "file"):
            if key in new_content:
                inner[key] = new_content[key]
        out["m.new_content"] = inner
        out["body"] = "* " + text
    if redacted:
        out["org.chatvault.redacted"] = True
    return out
