"""The state of a sign-in's current code, as it travels through Cognito between calls.

What Cognito carries (challengeMetadata of each CUSTOM_CHALLENGE round, and
privateChallengeParameters for Verify) is a `CodeState`: an HMAC-SHA-256 of the code keyed with a
fresh random salt, the issue and expiry times, and the counters Define needs to rebuild the
sign-in's history. Never the code. This module does no hashing, so Define (which only reads the
counters) does not load OpenSSL at cold start; functions/otp.py hashes and checks answers.
"""

from __future__ import annotations

from typing import Final, NamedTuple

STATE_VERSION: Final = "otp2"
# The key of the state in privateChallengeParameters (Create writes it, Verify reads it).
STATE_PARAMETER: Final = "otp_state"
# challengeMetadata of a round in which Create issued no code (the account's limits refused it).
BLOCKED_METADATA: Final = "otp-blocked"
SALT_BYTES: Final = 16
DIGEST_BYTES: Final = 32
MAX_CODE_LENGTH: Final = 32
_SEPARATOR: Final = "."
_FIELD_COUNT: Final = 9
_DIGITS: Final = frozenset("0123456789")
_HEX_DIGITS: Final = frozenset("0123456789abcdef")
_MAX_INT_DIGITS: Final = 12
_MAX_COUNTER: Final = 1000


class CodeState(NamedTuple):
    """What is known about the current code of a sign-in, without the code itself.

    `code_number` counts the codes issued in this sign-in, this one included (1 for the first).
    `wrong_answers` counts the wrong answers given to this code before the current round.
    `attempts_allowed` is how many answers this code may receive: OTP_MAX_ATTEMPTS, or fewer
    when the account's budget of guesses across sign-ins has less left (account_limits.py).
    """

    code_number: int
    wrong_answers: int
    attempts_allowed: int
    issued_at: int
    expires_at: int
    length: int
    salt: bytes
    digest: bytes

    def is_expired(self, now: float) -> bool:
        return now >= self.expires_at

    def with_wrong_answers(self, wrong_answers: int) -> CodeState:
        return self._replace(wrong_answers=wrong_answers)

    def answers_left(self, max_attempts: int) -> int:
        """Answers this code may still receive: its own allowance, never above the setting."""
        return max(0, min(max_attempts, self.attempts_allowed) - self.wrong_answers)


def _is_int_field(text: str) -> bool:
    return 0 < len(text) <= _MAX_INT_DIGITS and set(text) <= _DIGITS


def _unhex(text: str) -> bytes:
    if not text or not set(text) <= _HEX_DIGITS:
        raise ValueError("not lower-case hex")
    return bytes.fromhex(text)


def encode_state(state: CodeState) -> str:
    """`otp2.<code_no>.<wrong>.<allowed>.<issued_at>.<expires_at>.<length>.<salt>.<digest>`.

    About 140 characters.

    Salt and digest are lower-case hex (bytes.hex needs no import: Define's cold start).
    """
    return _SEPARATOR.join(
        (
            STATE_VERSION,
            str(state.code_number),
            str(state.wrong_answers),
            str(state.attempts_allowed),
            str(state.issued_at),
            str(state.expires_at),
            str(state.length),
            state.salt.hex(),
            state.digest.hex(),
        )
    )


def decode_state(text: object) -> CodeState | None:
    """Parse `encode_state` output; None for anything else (other versions, tampering, garbage)."""
    if not isinstance(text, str) or len(text) > 256:
        return None
    parts = text.split(_SEPARATOR)
    if len(parts) != _FIELD_COUNT or parts[0] != STATE_VERSION:
        return None
    if not all(_is_int_field(part) for part in parts[1:7]):
        return None
    code_number, wrong, allowed, issued_at, expires_at, length = (int(p) for p in parts[1:7])
    try:
        salt, digest = _unhex(parts[7]), _unhex(parts[8])
    except ValueError:
        return None
    if (
        not 1 <= code_number <= _MAX_COUNTER
        or wrong > _MAX_COUNTER
        or not 1 <= allowed <= _MAX_COUNTER
        or expires_at < issued_at
        or not 1 <= length <= MAX_CODE_LENGTH
        or len(salt) != SALT_BYTES
        or len(digest) != DIGEST_BYTES
    ):
        return None
    return CodeState(code_number, wrong, allowed, issued_at, expires_at, length, salt, digest)


def code_id(state: CodeState) -> str:
    """A stable name for one code in the account's record: derived from its random salt only.

    Hex of the salt's first bytes, not a hash: Define must stay free of hashlib, and the salt
    reveals nothing about the code without the digest, which never leaves Cognito.
    """
    return state.salt[:8].hex()
