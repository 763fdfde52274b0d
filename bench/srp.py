"""Client SRP cost per sign-in: CPython pow vs gmpy2, 1024-bit vs 256-bit private exponent.

    .venv/bin/python bench/srp.py [--rounds 200] [--flow 30]

Prints CPU milliseconds (time.process_time, single thread) of the client's share of one sign-in:
generating a and A = g^a, then computing x, u, S, the key and the PASSWORD_CLAIM_SIGNATURE. The
server's half (B, and the verification) is computed outside the timed sections. pycognito's own
helper is measured the same way as the reference. With --flow N it also runs N complete sign-ins
(SRP + emailed code) through AuthFlow against an in-process emulator and reports the CPU of the
calling thread only (time.thread_time): the web tier's share, without the emulator's threads.
This is a benchmark: it prints figures and never fails on timing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.auth import srp

POOL_ID = "eu-west-1_Bench1234"
USER_ID = "0b5d3a52-7c1e-4f0e-9d43-2f6c8a1b9e77"
PASSWORD = "Correct-horse-9battery"  # noqa: S105 - a throwaway emulator account
SALT = "5c0ffee1d00dfeed"


def _server_v() -> int:
    inner = hashlib.sha256(f"{POOL_ID.split('_')[1]}{USER_ID}:{PASSWORD}".encode()).hexdigest()
    return pow(srp.G, srp.hash_hex(srp.pad_hex(SALT) + inner), srp.N)


V = _server_v()


def _server_parameters() -> dict[str, str]:
    """Untimed: what Cognito answers to InitiateAuth (SRP_B from a fresh b)."""
    b = secrets.randbits(256)
    big_b = (srp.K * V + pow(srp.G, b, srp.N)) % srp.N
    return {
        "SALT": SALT,
        "SRP_B": format(big_b, "x"),
        "SECRET_BLOCK": base64.b64encode(secrets.token_bytes(64)).decode(),
        "USER_ID_FOR_SRP": USER_ID,
        "USERNAME": USER_ID,
    }


def ours(bits: int, powmod: srp.PowMod) -> Callable[[dict[str, str]], float]:
    def run(parameters: dict[str, str]) -> float:
        started = time.process_time()
        ephemeral = srp.new_ephemeral(bits, powmod)
        srp.password_verifier_responses(
            pool_id=POOL_ID,
            password=PASSWORD,
            challenge_parameters=parameters,
            ephemeral=ephemeral,
            now=datetime.now(UTC),
            powmod=powmod,
        )
        return time.process_time() - started

    return run


def pycognito_reference(parameters: dict[str, str]) -> float:
    from pycognito.aws_srp import AWSSRP

    started = time.process_time()
    client = AWSSRP(
        username="bench@example.com",
        password=PASSWORD,
        pool_id=POOL_ID,
        client_id="bench",
        client=object(),
    )
    client.process_challenge(parameters, {"USERNAME": "bench@example.com"})
    return time.process_time() - started


def measure(run: Callable[[dict[str, str]], float], rounds: int) -> list[float]:
    run(_server_parameters())  # warm-up
    return [run(_server_parameters()) * 1000 for _ in range(rounds)]


def _row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    mean, median = statistics.fmean(samples), statistics.median(samples)
    return f"{name:<34} mean {mean:6.2f}  median {median:6.2f}  p95 {p95:6.2f}"


def flow_cpu(count: int, bits: int, powmod: srp.PowMod) -> list[float]:
    """Web-tier CPU ms (this thread) per complete sign-in through AuthFlow and the emulator."""
    import re

    from emulator import start_local_stack
    from webapp.auth.environment import environ_for_stack
    from webapp.auth.flow import AuthFlow, FlowState, build_flow_from_env

    stack = start_local_stack(port=0)
    try:
        base = build_flow_from_env(environ_for_stack(stack), clock=stack.clock.now)
        flow = AuthFlow(
            base.gateway,
            base.verifier,
            base.pool,
            stack.clock.now,
            srp_private_bits=bits,
            srp_powmod=powmod,
        )

        def code_for(email: str) -> str:
            text: Any = stack.mailbox.messages(to=email)[-1]["text"]
            found = re.search(r"^\s*(\d{6})\s*$", str(text), re.MULTILINE)
            assert found
            return found.group(1)

        email = f"bench-{secrets.token_hex(4)}@example.com"
        state = flow.sign_up(FlowState(), email, PASSWORD, "en")
        flow.confirm_sign_up(state, code_for(email))
        samples = []
        for index in range(count + 1):
            started = time.thread_time()
            state = flow.sign_in(FlowState(), email, PASSWORD, "en")
            cpu = time.thread_time() - started
            code = code_for(email)  # reading the mailbox is the test's work, not the app's
            started = time.thread_time()
            state = flow.submit_code(state, code, "en")
            cpu += time.thread_time() - started
            assert flow.is_signed_in(state)
            if index:  # the first sign-in warms caches (JWKS fetch, boto3 models)
                samples.append(cpu * 1000)
        return samples
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--flow", type=int, default=0, help="complete sign-ins per variant")
    args = parser.parse_args()

    print(f"client SRP CPU ms per sign-in ({args.rounds} rounds, process_time)")
    print(f"gmpy2 available: {srp.GMP_POWMOD is not None}; default backend: {srp.BACKEND}")
    variants: list[tuple[str, int, srp.PowMod]] = [
        ("python pow, 1024-bit a", 1024, srp.python_powmod),
        ("python pow, 256-bit a", 256, srp.python_powmod),
    ]
    if srp.GMP_POWMOD is not None:
        variants += [
            ("gmpy2 powmod, 1024-bit a", 1024, srp.GMP_POWMOD),
            ("gmpy2 powmod, 256-bit a (default)", 256, srp.GMP_POWMOD),
        ]
    print(_row("pycognito 2024.5.1 (reference)", measure(pycognito_reference, args.rounds)))
    for name, bits, powmod in variants:
        print(_row(name, measure(ours(bits, powmod), args.rounds)))

    if args.flow:
        print(
            f"\nweb-tier CPU ms per complete sign-in via AuthFlow ({args.flow} runs, thread_time)"
        )
        for name, bits, powmod in variants:
            print(_row(name, flow_cpu(args.flow, bits, powmod)))


if __name__ == "__main__":
    main()
