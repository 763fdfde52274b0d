"""Complete sign-ins per second against the in-process emulator (SRP + emailed code).

Each sign-in is what a browser session costs the emulator: InitiateAuth CUSTOM_AUTH with SRP_A,
PASSWORD_VERIFIER (client SRP math in the client thread), the code read from the mailbox API,
then the CUSTOM_CHALLENGE answer. The product's real triggers (functions/) are wired, so each
sign-in also runs Define x3, Create (an SES v2 send through the emulator), Verify and
PostAuthentication. Figures are printed, never asserted.

    .venv/bin/python bench/emulator.py [--sign-ins N] [--threads 1 4] [--plain-pow]

The clients run in this process too, sharing the GIL with the server threads. By default their SRP
math uses gmpy2 (as the web app does); --plain-pow measures pycognito's built-in pow instead.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pycognito.aws_srp import AWSSRP

from emulator import LocalStack, start_local_stack

PASSWORD = "Bench-Password-42"  # noqa: S105 - a throwaway local account
_CODE = re.compile(r"\b(\d{4,10})\b")


def _code(stack: LocalStack, email: str, already: int) -> str:
    messages = stack.mailbox.messages(email)
    if len(messages) <= already:
        raise RuntimeError(f"no new email for {email}")
    match = _CODE.search(messages[-1]["text"] or "")
    if match is None:
        raise RuntimeError("no code in the email")
    return match.group(1)


def make_user(stack: LocalStack, client: Any) -> str:
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    client.sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    client.confirm_sign_up(
        ClientId=stack.client_id, Username=email, ConfirmationCode=_code(stack, email, 0)
    )
    return email


def sign_in(stack: LocalStack, client: Any, email: str) -> float:
    """One complete sign-in; returns its wall time in seconds."""
    started = time.perf_counter()
    already = len(stack.mailbox.messages(email))
    srp = AWSSRP(
        username=email,
        password=PASSWORD,
        pool_id=stack.user_pool_id,
        client_id=stack.client_id,
        client=client,
    )
    params = {**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    first = client.initiate_auth(
        ClientId=stack.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params
    )
    challenge = client.respond_to_auth_challenge(
        ClientId=stack.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=first["Session"],
        ChallengeResponses=srp.process_challenge(first["ChallengeParameters"], params),
    )
    done = client.respond_to_auth_challenge(
        ClientId=stack.client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": challenge["ChallengeParameters"]["USERNAME"],
            "ANSWER": _code(stack, email, already),
        },
    )
    if "AccessToken" not in done.get("AuthenticationResult", {}):
        raise RuntimeError("sign-in did not complete")
    return time.perf_counter() - started


def run(stack: LocalStack, threads: int, sign_ins: int) -> None:
    local = threading.local()

    def client() -> Any:
        if not hasattr(local, "client"):
            local.client = stack.boto3_client()
        return local.client

    # One user per sign-in: the product allows a limited number of codes per user and time.
    with ThreadPoolExecutor(threads) as pool:
        users = list(pool.map(lambda _: make_user(stack, client()), range(sign_ins)))
        started = time.perf_counter()
        latencies = list(pool.map(lambda email: sign_in(stack, client(), email), users))
        elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(
        f"threads={threads:<2} sign-ins={sign_ins:<4} "
        f"rate={sign_ins / elapsed:6.1f}/s  "
        f"median={statistics.median(latencies) * 1000:6.1f} ms  p95={p95 * 1000:6.1f} ms",
        flush=True,
    )


def use_gmpy2_for_client_srp() -> None:
    """pycognito calls the builtin pow(); give its module a GMP-backed one (same results)."""
    import builtins

    import gmpy2
    from pycognito import aws_srp

    def fast_pow(base: int, exponent: int, modulus: int | None = None) -> int:
        if modulus is None:
            return int(builtins.pow(base, exponent))
        return int(gmpy2.powmod(base, exponent, modulus))

    aws_srp.pow = fast_pow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sign-ins", type=int, default=60)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--plain-pow", action="store_true", help="client SRP without gmpy2")
    args = parser.parse_args()
    if not args.plain_pow:
        use_gmpy2_for_client_srp()
    print(f"client SRP: {'builtin pow' if args.plain_pow else 'gmpy2'}", flush=True)
    with start_local_stack() as stack:
        import logging

        logging.disable(logging.INFO)  # the product's triggers log one line per call
        sign_in(stack, stack.boto3_client(), make_user(stack, stack.boto3_client()))  # warm-up
        for threads in args.threads:
            run(stack, threads, args.sign_ins)
    return 0


if __name__ == "__main__":
    sys.exit(main())
