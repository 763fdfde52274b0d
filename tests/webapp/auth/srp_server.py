"""The server half of Cognito's SRP (cognito-custom-auth.md §5), to check client proofs offline.

Written from the spec rather than imported from webapp.auth.srp, so a shared mistake in the
client's helpers would not go unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2


def _pad(value: int | str) -> str:
    text = value if isinstance(value, str) else f"{value:x}"
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def _h(hex_text: str) -> int:
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


K = _h("00" + N_HEX + "0" + "2")


def verifier(pool_id: str, user_id: str, password: str, salt_hex: str) -> int:
    """v = g^x, stored by the server at sign-up."""
    inner = hashlib.sha256(f"{pool_id.split('_', 1)[1]}{user_id}:{password}".encode()).hexdigest()
    return pow(G, _h(_pad(salt_hex) + inner), N)


@dataclass
class ServerSession:
    a_public: int
    b: int
    b_public: int
    salt_hex: str
    secret_block_b64: str

    def challenge_parameters(self, user_id: str) -> dict[str, str]:
        return {
            "SALT": self.salt_hex,
            "SRP_B": f"{self.b_public:x}",
            "SECRET_BLOCK": self.secret_block_b64,
            "USER_ID_FOR_SRP": user_id,
            "USERNAME": user_id,
        }


def start(srp_a_hex: str, v: int, salt_hex: str | None = None) -> ServerSession:
    a_public = int(srp_a_hex, 16)
    assert a_public % N
    b = secrets.randbits(256) % N
    b_public = (K * v + pow(G, b, N)) % N
    return ServerSession(
        a_public=a_public,
        b=b,
        b_public=b_public,
        salt_hex=salt_hex or f"{secrets.randbits(128) | (1 << 124):x}",
        secret_block_b64=base64.b64encode(secrets.token_bytes(48)).decode(),
    )


def verify(
    session: ServerSession, v: int, pool_id: str, user_id: str, *, timestamp: str, signature: str
) -> bool:
    u = _h(_pad(session.a_public) + _pad(session.b_public))
    if u == 0:
        return False
    shared = pow(session.a_public * pow(v, u, N) % N, session.b, N)
    prk = hmac.new(bytes.fromhex(_pad(u)), bytes.fromhex(_pad(shared)), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    message = (
        pool_id.split("_", 1)[1].encode()
        + user_id.encode()
        + base64.b64decode(session.secret_block_b64)
        + timestamp.encode()
    )
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature)
