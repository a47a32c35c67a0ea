"""ChatVault gateway module for Synapse: policy decisions before delivery, and the archive notice.

homeserver.yaml:

    modules:
      - module: chatvault_synapse.ChatVaultGateway
        config:
          url: http://127.0.0.1:8080
          token_file: /etc/matrix-synapse/chatvault.token
          fail_mode: closed

See README.md for every key and what a user sees. The Synapse-facing class is imported on
first use, so the config parser and message reading can be tested without Synapse.
"""

from typing import Any

__all__ = ["ChatVaultGateway"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "ChatVaultGateway":
        from .gateway import ChatVaultGateway

        return ChatVaultGateway
    raise AttributeError(f"module 'chatvault_synapse' has no attribute {name!r}")
