"""Server side of Cognito's SRP-6a variant (cognito-custom-auth.md section 5).

Pure math, no I/O: the verifier a password gives, the server's first step (B) and the proof
check. It mirrors amazon-cognito-identity-js / pycognito bit for bit, so any client written from
AWS's documentation proves a password against the emulator exactly as against Cognito.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

try:  # GMP makes the 3072-bit modular exponentiations several times cheaper.
    import gmpy2

    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return int(gmpy2.powmod(base, exponent, modulus))

except ImportError:  # pragma: no cover - gmpy2 is optional

    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return pow(base, exponent, modulus)


powmod: Callable[[int, int, int], int] = _powmod

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
_INFO = b"Caldera Derived Key\x01"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pad_hex(value: int | str) -> str:
    """Hex of even length, with "00" in front when the top bit is set (a positive BigInteger)."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2 == 1:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def hash_hex(hex_text: str) -> int:
    """H(): SHA-256 of the bytes a hex string encodes, read as an integer."""
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


K = hash_hex("00" + N_HEX + "0" + "2")


def pool_name(user_pool_id: str) -> str:
    """The part of the pool id after the region, which SRP mixes into x and the signature."""
    return user_pool_id.split("_", 1)[1]


def new_salt() -> str:
    """A canonical salt: 128 random bits with the top bit set, so it never starts with "0".

    pycognito pads the SALT string while amazon-cognito-identity-js parses it as a number; a salt
    with a leading zero would give the two clients different x values (section 5, salt pitfall).
    """
    return format(secrets.randbits(128) | (1 << 127), "x")


def compute_verifier(user_pool_id: str, user_id_for_srp: str, password: str, salt: str) -> int:
    """v = g^x mod N, stored per user instead of the password."""
    inner = hashlib.sha256(
        f"{pool_name(user_pool_id)}{user_id_for_srp}:{password}".encode()
    ).hexdigest()
    x = hash_hex(pad_hex(salt) + inner)
    return powmod(G, x, N)


def simulated_verifier(key: bytes, label: str) -> int:
    """A stand-in verifier for a user who does not exist, the same for the same `label`.

    A real user's verifier is stored (here: cached) once, so a sign-in only looks it up; this
    one must cost a lookup too, not an exponentiation, or an unknown name would take longer the
    first time it is tried. HMAC output stretched past N's size and squared mod N gives, for the
    price of a multiplication, a quadratic residue like g^x. No password maps to it in practice,
    and the sign-in code refuses an unknown user even if one did.
    """
    blocks = (
        hmac.new(key, label.encode() + bytes([i]), hashlib.sha256).digest()
        for i in range(N.bit_length() // 256 + 2)
    )
    seed = int.from_bytes(b"".join(blocks), "big") % N
    return (seed * seed) % N or 1


@dataclass(frozen=True)
class ServerStep:
    """What the server keeps between InitiateAuth and PASSWORD_VERIFIER (b is secret)."""

    big_a: int
    small_b: int
    big_b: int


def start(srp_a_hex: str, verifier: int) -> ServerStep:
    """The server's first step: check A and compute B = k*v + g^b mod N."""
    big_a = int(srp_a_hex, 16)
    if big_a % N == 0:
        raise ValueError("SRP_A is zero modulo N")
    small_b = secrets.randbits(256) % N
    big_b = (K * verifier + powmod(G, small_b, N)) % N
    return ServerStep(big_a=big_a, small_b=small_b, big_b=big_b)


def _hkdf16(ikm: bytes, salt: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, _INFO, hashlib.sha256).digest()[:16]


def expected_signature(
    step: ServerStep,
    verifier: int,
    *,
    user_pool_id: str,
    user_id_for_srp: str,
    secret_block_b64: str,
    timestamp: str,
) -> str | None:
    """The PASSWORD_CLAIM_SIGNATURE a client that knows the password must send (None if u=0)."""
    u = hash_hex(pad_hex(step.big_a) + pad_hex(step.big_b))
    if u == 0:
        return None
    s = powmod(step.big_a * powmod(verifier, u, N) % N, step.small_b, N)
    key = _hkdf16(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(u)))
    message = (
        pool_name(user_pool_id).encode()
        + user_id_for_srp.encode()
        + base64.b64decode(secret_block_b64)
        + timestamp.encode()
    )
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def signature_matches(expected: str | None, received: str) -> bool:
    """Constant-time comparison of the proof."""
    if expected is None:
        return False
    return hmac.compare_digest(expected.encode(), received.encode())


def format_timestamp(moment: datetime) -> str:
    """Cognito's TIMESTAMP format: "Sat Nov 21 17:39:55 UTC 2026" (no leading zero on the day)."""
    moment = moment.astimezone(UTC)
    return (
        f"{WEEKDAYS[moment.weekday()]} {MONTHS[moment.month - 1]} {moment.day} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} UTC {moment.year}"
    )


def parse_timestamp(text: str) -> datetime | None:
    """Read a TIMESTAMP written by a client; None when it is not in Cognito's format."""
    parts = text.split(" ")
    if len(parts) != 6 or parts[0] not in WEEKDAYS or parts[1] not in MONTHS or parts[4] != "UTC":
        return None
    try:
        day, year = int(parts[2]), int(parts[5])
        hour, minute, second = (int(p) for p in parts[3].split(":"))
        moment = datetime(year, MONTHS.index(parts[1]) + 1, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    if WEEKDAYS[moment.weekday()] != parts[0]:
        return None
    return moment


def new_secret_block() -> str:
    """An opaque SECRET_BLOCK (its real size and format are unverified; any base64 works)."""
    return base64.b64encode(secrets.token_bytes(96)).decode()
