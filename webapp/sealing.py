"""AES-GCM sealing of what a shared store keeps per browser (tokens, the Cognito session).

Redis is reachable by every task and readable by whoever gets its snapshots, so nothing secret
is stored there in clear: each record is sealed with AES-256-GCM under SESSION_ENCRYPTION_KEY (a
key of its own, not the cookie-signing secret), with the record's key as associated data, so a
sealed value copied to another browser's key does not open.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
_VERSION: Final = b"\x01"


class SealError(ValueError):
    """A sealed value was tampered with, truncated, or sealed under another key or record."""


def parse_key(text: str) -> bytes:
    """The key from its base64 text (standard or URL-safe, padding optional): exactly 32 bytes."""
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(
            "SESSION_ENCRYPTION_KEY must be 32 random bytes in base64, for example from "
            '`python3 -c "import secrets,base64;print(base64.b64encode(secrets.token_bytes(32))'
            '.decode())"`'
        )
    return key


class Sealer:
    """Seals and opens byte strings bound to a context (the record's key)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("AES-256-GCM needs a 32-byte key")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """version || random nonce || ciphertext+tag."""
        nonce = os.urandom(NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, _VERSION + context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != _VERSION:
            raise SealError("not a sealed value of this version")
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, _VERSION + context)
        except InvalidTag:
            raise SealError("the value does not open with this key and context") from None
