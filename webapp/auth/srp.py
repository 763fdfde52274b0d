"""Client side of Cognito's SRP password proof (the math of amazon-cognito-identity-js).

The password never leaves the web tier: the client sends A = g^a, Cognito answers with a salt and
B, and the client proves it knows the password with an HMAC keyed by the shared secret S. The
numbers and encodings here must match Cognito (and pycognito, which mirrors the JS client) bit for
bit, so every step follows cognito-custom-auth.md §5 and is tested against pycognito.

Two choices make this cheaper than pycognito while staying correct:
- modular exponentiation through GMP (gmpy2) when it is importable, CPython's pow otherwise;
- a 256-bit private exponent `a` (the minimum RFC 5054 asks for) instead of pycognito's 1024 bits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

PowMod = Callable[[int, int, int], int]

# RFC 5054 / RFC 3526 3072-bit group, as amazon-cognito-identity-js AuthenticationHelper uses it.
N_HEX: Final = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N: Final = int(N_HEX, 16)
G: Final = 2
# RFC 5054 asks for at least 256 bits; pycognito draws 1024. Shorter exponents are much cheaper.
PRIVATE_EXPONENT_BITS: Final = 256
_INFO: Final = b"Caldera Derived Key\x01"
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


class SrpError(ValueError):
    """The server's SRP values are unusable (B ≡ 0 or u = 0): abort, never answer."""


def python_powmod(base: int, exponent: int, modulus: int) -> int:
    """CPython's built-in modular exponentiation (the portable fallback)."""
    return pow(base, exponent, modulus)


def _load_gmp_powmod() -> PowMod | None:
    try:
        import gmpy2
    except ImportError:  # pragma: no cover - depends on the environment
        return None

    def gmp_powmod(base: int, exponent: int, modulus: int) -> int:
        return int(gmpy2.powmod(base, exponent, modulus))

    return gmp_powmod


GMP_POWMOD: Final = _load_gmp_powmod()
fast_powmod: Final[PowMod] = GMP_POWMOD or python_powmod
BACKEND: Final = "gmpy2" if GMP_POWMOD else "python"


def pad_hex(value: int | str) -> str:
    """Hex of a non-negative number as Cognito hashes it: even length, no leading high bit."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2 == 1:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def hash_hex(hex_text: str) -> int:
    """SHA-256 of the bytes a hex string encodes, read as an integer (the H of the protocol)."""
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


K: Final = hash_hex("00" + N_HEX + "0" + format(G, "x"))


@dataclass(frozen=True)
class Ephemeral:
    """One sign-in's client key pair: the secret `a` and the public A = g^a mod N."""

    a: int = field(repr=False)
    public: int

    @property
    def public_hex(self) -> str:
        """SRP_A as Cognito expects it in AuthParameters."""
        return format(self.public, "x")


def ephemeral_from_private(a: int, powmod: PowMod = fast_powmod) -> Ephemeral:
    """The key pair for a given secret (tests inject one to compare with pycognito)."""
    if not 0 < a < N:
        raise SrpError("the private exponent must lie in (0, N)")
    public = powmod(G, a, N)
    if public % N == 0:  # pragma: no cover - impossible for 0 < a < N, kept as the spec's check
        raise SrpError("A is zero modulo N")
    return Ephemeral(a=a, public=public)


def new_ephemeral(
    private_bits: int = PRIVATE_EXPONENT_BITS, powmod: PowMod = fast_powmod
) -> Ephemeral:
    """A fresh random key pair for one sign-in attempt (never reuse it)."""
    while True:
        a = secrets.randbits(private_bits) % N
        if a > 1:
            return ephemeral_from_private(a, powmod)


def cognito_timestamp(moment: datetime) -> str:
    """TIMESTAMP as Cognito checks it, e.g. "Sat Nov 1 07:05:09 UTC 2026".

    Built by hand: strftime's %a/%b follow the process locale and %d pads the day with a zero,
    and either would make Cognito reject the proof.
    """
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (
        f"{_DAYS[utc.weekday()]} {_MONTHS[utc.month - 1]} {utc.day} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} UTC {utc.year}"
    )


def password_key(
    *,
    pool_id: str,
    user_id_for_srp: str,
    password: str,
    salt_hex: str,
    srp_b_hex: str,
    ephemeral: Ephemeral,
    powmod: PowMod = fast_powmod,
) -> bytes:
    """The 16-byte HKDF of the shared secret S = (B - k·g^x)^(a + u·x) mod N."""
    big_b = int(srp_b_hex, 16)
    if big_b % N == 0:
        raise SrpError("B is zero modulo N")
    u = hash_hex(pad_hex(ephemeral.public) + pad_hex(big_b))
    if u == 0:
        raise SrpError("u is zero")
    pool_name = pool_id.split("_", 1)[1]
    identity_hash = hashlib.sha256(f"{pool_name}{user_id_for_srp}:{password}".encode()).hexdigest()
    x = hash_hex(pad_hex(salt_hex) + identity_hash)
    base = (big_b - K * powmod(G, x, N)) % N
    shared = powmod(base, ephemeral.a + u * x, N)
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), hashlib.sha256)
    return hmac.new(prk.digest(), _INFO, hashlib.sha256).digest()[:16]


def password_signature(
    *,
    key: bytes,
    pool_id: str,
    user_id_for_srp: str,
    secret_block_b64: str,
    timestamp: str,
) -> str:
    """PASSWORD_CLAIM_SIGNATURE: HMAC over pool name, user id, secret block and timestamp."""
    message = (
        pool_id.split("_", 1)[1].encode()
        + user_id_for_srp.encode()
        + base64.b64decode(secret_block_b64)
        + timestamp.encode()
    )
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def password_verifier_responses(
    *,
    pool_id: str,
    password: str,
    challenge_parameters: Mapping[str, str],
    ephemeral: Ephemeral,
    now: datetime,
    powmod: PowMod = fast_powmod,
) -> dict[str, str]:
    """ChallengeResponses for PASSWORD_VERIFIER (SECRET_HASH is the gateway's business)."""
    user_id = challenge_parameters["USER_ID_FOR_SRP"]
    secret_block = challenge_parameters["SECRET_BLOCK"]
    timestamp = cognito_timestamp(now)
    key = password_key(
        pool_id=pool_id,
        user_id_for_srp=user_id,
        password=password,
        salt_hex=challenge_parameters["SALT"],
        srp_b_hex=challenge_parameters["SRP_B"],
        ephemeral=ephemeral,
        powmod=powmod,
    )
    signature = password_signature(
        key=key,
        pool_id=pool_id,
        user_id_for_srp=user_id,
        secret_block_b64=secret_block,
        timestamp=timestamp,
    )
    return {
        "USERNAME": challenge_parameters.get("USERNAME", user_id),
        "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
        "PASSWORD_CLAIM_SIGNATURE": signature,
        "TIMESTAMP": timestamp,
    }
