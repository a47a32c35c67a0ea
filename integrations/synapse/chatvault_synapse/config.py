"""The module's configuration: parsed and checked once, when Synapse starts.

Pure Python (no Synapse import), so the parser can be tested on its own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

FAIL_MODES = ("closed", "open")
ENCRYPTED_MODES = ("refuse", "allow")

_KEYS = {
    "url",
    "token",
    "token_file",
    "timeout_ms",
    "notice_user",
    "fail_mode",
    "platform",
    "language",
    "encrypted",
    "tips_room_name",
    "notice_fallback",
}

_LOCALPART = re.compile(r"^[a-z0-9._=/+-]{1,64}$")
_TOKEN = re.compile(r"^[\x21-\x7e]{8,512}$")
_PLATFORM = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")

DEFAULT_FALLBACK = (
    "This conversation is archived for compliance by ChatVault. "
    "Messages you send here are recorded and may be reviewed."
)


class ChatVaultConfigError(ValueError):
    """A configuration problem, naming the key and what is expected."""


@dataclass(frozen=True)
class ChatVaultConfig:
    """What the module needs to reach ChatVault and how it behaves when it cannot."""

    url: str
    token: str
    timeout_ms: int = 1500
    notice_user: str = "chatvault"
    fail_mode: str = "closed"
    platform: str = "matrix"
    language: str | None = None
    encrypted: str = "refuse"
    tips_room_name: str = "ChatVault policy tips"
    notice_fallback: str = DEFAULT_FALLBACK

    @property
    def fails_open(self) -> bool:
        return self.fail_mode == "open"

    def __repr__(self) -> str:  # never print the token
        return f"ChatVaultConfig(url={self.url!r}, fail_mode={self.fail_mode!r}, timeout_ms={self.timeout_ms})"


def _string(config: Mapping[str, Any], key: str, default: str | None = None, limit: int = 2048) -> str | None:
    value = config.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ChatVaultConfigError(f"chatvault_synapse: '{key}' must be a string, not {type(value).__name__}")
    if len(value) > limit:
        raise ChatVaultConfigError(f"chatvault_synapse: '{key}' is longer than {limit} characters")
    return value


def _choice(config: Mapping[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = _string(config, key, default)
    if value not in choices:
        raise ChatVaultConfigError(f"chatvault_synapse: '{key}' must be one of {', '.join(choices)}, not {value!r}")
    return value


def _read_token(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(4096).strip()
    except OSError as error:
        raise ChatVaultConfigError(f"chatvault_synapse: cannot read 'token_file' {path}: {error.strerror}") from None


def parse_config(config: Any) -> ChatVaultConfig:
    """Checks the `config:` block of the module entry in homeserver.yaml.

    Raises ChatVaultConfigError with the key at fault and what it expects.
    """
    if not isinstance(config, Mapping):
        raise ChatVaultConfigError("chatvault_synapse: the module's config must be a mapping with at least 'url' and 'token'")
    unknown = sorted(str(key) for key in config if key not in _KEYS)
    if unknown:
        raise ChatVaultConfigError(
            f"chatvault_synapse: unknown config key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )

    url = _string(config, "url")
    if not url:
        raise ChatVaultConfigError("chatvault_synapse: 'url' is required (ChatVault's base URL, e.g. http://127.0.0.1:8080)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChatVaultConfigError(f"chatvault_synapse: 'url' must be an http:// or https:// URL with a host, not {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ChatVaultConfigError("chatvault_synapse: 'url' must not carry credentials, a query or a fragment")
    url = url.rstrip("/")

    token = _string(config, "token")
    token_file = _string(config, "token_file")
    if (token is None) == (token_file is None):
        raise ChatVaultConfigError("chatvault_synapse: give exactly one of 'token' and 'token_file' (a gateway-role token)")
    if token_file is not None:
        token = _read_token(os.path.expanduser(token_file))
    assert token is not None
    token = token.strip()
    if not _TOKEN.match(token):
        raise ChatVaultConfigError(
            "chatvault_synapse: the token must be 8 to 512 printable ASCII characters without spaces "
            "(create one with `chatvault token NAME --role gateway`)"
        )

    timeout = config.get("timeout_ms", 1500)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 50 <= timeout <= 60_000:
        raise ChatVaultConfigError(f"chatvault_synapse: 'timeout_ms' must be a whole number from 50 to 60000, not {timeout!r}")

    notice_user = _string(config, "notice_user", "chatvault")
    assert notice_user is not None
    if notice_user.startswith("@"):
        notice_user = notice_user[1:].split(":", 1)[0]
    if not _LOCALPART.match(notice_user):
        raise ChatVaultConfigError(
            f"chatvault_synapse: 'notice_user' must be a local user's localpart (a-z, 0-9, ._=/+-), not {notice_user!r}"
        )

    platform = _string(config, "platform", "matrix")
    if not platform or not _PLATFORM.match(platform):
        raise ChatVaultConfigError(f"chatvault_synapse: 'platform' must be a short lowercase name, not {platform!r}")

    language = _string(config, "language")
    if language is not None and not _LANGUAGE.match(language):
        raise ChatVaultConfigError(f"chatvault_synapse: 'language' must be a language tag such as en or de-CH, not {language!r}")

    tips_room_name = _string(config, "tips_room_name", "ChatVault policy tips", limit=200)
    fallback = _string(config, "notice_fallback", DEFAULT_FALLBACK, limit=4000)
    assert tips_room_name is not None and fallback is not None

    return ChatVaultConfig(
        url=url,
        token=token,
        timeout_ms=timeout,
        notice_user=notice_user,
        fail_mode=_choice(config, "fail_mode", FAIL_MODES, "closed"),
        platform=platform,
        language=language,
        encrypted=_choice(config, "encrypted", ENCRYPTED_MODES, "refuse"),
        tips_room_name=tips_room_name,
        notice_fallback=fallback,
    )
