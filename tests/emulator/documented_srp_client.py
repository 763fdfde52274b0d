"""A Cognito SRP client written only from AWS's documentation (no pycognito, no emulator code).

Sources: the InitiateAuth / RespondToAuthChallenge API reference (AuthParameters SRP_A, USERNAME,
CHALLENGE_NAME; ChallengeResponses PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK,
TIMESTAMP), the developer guide's "SRP password verification in custom authentication flow", and
the SRP-6a math that amazon-cognito-identity-js (AuthenticationHelper.js) publishes: RFC 5054's
3072-bit group, g = 2, k = H(N | g), x = H(salt | H(poolName | username ":" password)),
S = (B - k g^x)^(a + u x), K = HKDF-SHA256(S, salt=u, info="Caldera Derived Key")[:16].
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

_N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E34"
    "04DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6"
    "F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A6916"
    "3FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C"
    "32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA95"
    "6AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA7157"
    "5D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D876"
    "02733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E"
    "4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
_G = 2


def _padded(n: int) -> bytes:
    """Big-endian two's-complement bytes of a positive integer (Java BigInteger.toByteArray)."""
    raw = n.to_bytes((n.bit_length() + 7) // 8 or 1, "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def _h(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest(), "big")


_K = _h(_padded(_N) + _padded(_G))


class DocumentedSrpClient:
    """Proves a password to Cognito's USER_SRP_AUTH / CUSTOM_AUTH (SRP_A first)."""

    def __init__(self, user_pool_id: str, username: str, password: str) -> None:
        self.pool_name = user_pool_id.split("_", 1)[1]
        self.username = username
        self.password = password
        self._a = secrets.randbits(1024) % _N
        self.big_a = pow(_G, self._a, _N)

    def initiate_parameters(self) -> dict[str, str]:
        return {
            "USERNAME": self.username,
            "SRP_A": format(self.big_a, "x"),
            "CHALLENGE_NAME": "SRP_A",
        }

    def answer(self, challenge: dict[str, Any], now: datetime | None = None) -> dict[str, str]:
        """ChallengeResponses for PASSWORD_VERIFIER from its ChallengeParameters."""
        salt = int(challenge["SALT"], 16)
        big_b = int(challenge["SRP_B"], 16)
        user_id = challenge["USER_ID_FOR_SRP"]
        if big_b % _N == 0:
            raise ValueError("bad B")
        u = _h(_padded(self.big_a) + _padded(big_b))
        inner = hashlib.sha256(f"{self.pool_name}{user_id}:{self.password}".encode()).digest()
        x = _h(_padded(salt) + inner)
        s = pow((big_b - _K * pow(_G, x, _N)) % _N, self._a + u * x, _N)
        prk = hmac.new(_padded(u), _padded(s), hashlib.sha256).digest()
        key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        timestamp = (
            moment.strftime("%a %b ") + str(moment.day) + moment.strftime(" %H:%M:%S UTC %Y")
        )
        block = base64.b64decode(challenge["SECRET_BLOCK"])
        message = self.pool_name.encode() + user_id.encode() + block + timestamp.encode()
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        return {
            "USERNAME": challenge.get("USERNAME", user_id),
            "PASSWORD_CLAIM_SECRET_BLOCK": challenge["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        }
