"""Does a wrong password take as long for an unknown email as for a real account?

An attacker who can tell the two apart by timing learns which addresses have accounts, whatever
PreventUserExistenceErrors hides in the answers. This takes N samples of each, interleaved in a
random order against start_local_stack() (the product's triggers wired, the deployed client):

- known:   an existing, confirmed account signed in with a wrong password;
- unknown: an address with no account (a new one each sample, as an enumeration would use).

Each sample is the sign-in the web app makes, CUSTOM_AUTH with SRP_A then PASSWORD_VERIFIER, timed
per call from the client (the client's own SRP math is outside the timed part). It prints the
medians and p95 of both and two tests of "the two come from the same distribution": Mann-Whitney U
(normal approximation with tie correction) and a permutation test on the difference of medians.
Standard library only; figures are printed, never asserted.

    .venv/bin/python bench/unknown_user_timing.py [--samples 200] [--seed 1]

Each known account gets one wrong password before the timed one (a warm-up: the emulator already
stores the verifier at sign-up, as Cognito does) and so two in all, below the lockout after five.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from pycognito.aws_srp import AWSSRP

from emulator import LocalStack, start_local_stack

PASSWORD = "Bench-Password-42"  # noqa: S105 - a throwaway local account
WRONG = "Wrong-Password-42"
_CODE = re.compile(r"\b(\d{4,10})\b")


class Sample(NamedTuple):
    """Seconds spent in InitiateAuth and in the PASSWORD_VERIFIER answer of one sign-in."""

    initiate: float
    verify: float

    @property
    def total(self) -> float:
        return self.initiate + self.verify


def make_user(stack: LocalStack, client: Any) -> str:
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    client.sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    match = _CODE.search(stack.mailbox.messages(email)[-1]["text"] or "")
    if match is None:
        raise RuntimeError("no code in the sign-up email")
    client.confirm_sign_up(ClientId=stack.client_id, Username=email, ConfirmationCode=match[1])
    return email


def wrong_password(stack: LocalStack, client: Any, email: str) -> Sample:
    """One sign-in with a wrong password; it must fail at PASSWORD_VERIFIER, as both paths do."""
    srp = AWSSRP(
        username=email,
        password=WRONG,
        pool_id=stack.user_pool_id,
        client_id=stack.client_id,
        client=client,
    )
    params = {**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    started = time.perf_counter()
    first = client.initiate_auth(
        ClientId=stack.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params
    )
    initiate = time.perf_counter() - started
    answers = srp.process_challenge(first["ChallengeParameters"], params)
    started = time.perf_counter()
    try:
        client.respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=first["Session"],
            ChallengeResponses=answers,
        )
    except ClientError as error:
        if error.response["Error"]["Message"] != "Incorrect username or password.":
            raise
    else:
        raise RuntimeError("a wrong password was accepted")
    return Sample(initiate, time.perf_counter() - started)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def mann_whitney_p(first: Sequence[float], second: Sequence[float]) -> tuple[float, float]:
    """(U of `first`, two-sided p) with the normal approximation and the tie correction."""
    pooled = sorted([(v, 0) for v in first] + [(v, 1) for v in second])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        size = j - i + 1
        ties += size**3 - size
        i = j + 1
    n1, n2 = len(first), len(second)
    rank_sum = sum(r for r, (_, group) in zip(ranks, pooled, strict=True) if group == 0)
    u = rank_sum - n1 * (n1 + 1) / 2
    n = n1 + n2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if variance <= 0:
        return u, 1.0
    z = (abs(u - n1 * n2 / 2) - 0.5) / math.sqrt(variance)
    return u, math.erfc(max(z, 0.0) / math.sqrt(2))


def permutation_p(
    first: Sequence[float], second: Sequence[float], rounds: int, rng: random.Random
) -> float:
    """Two-sided p of |median(first) - median(second)| under random relabelling."""
    observed = abs(statistics.median(first) - statistics.median(second))
    pooled = list(first) + list(second)
    hits = 0
    for _ in range(rounds):
        rng.shuffle(pooled)
        left, right = pooled[: len(first)], pooled[len(first) :]
        if abs(statistics.median(left) - statistics.median(right)) >= observed:
            hits += 1
    return (hits + 1) / (rounds + 1)


def report(name: str, known: list[float], unknown: list[float], rng: random.Random) -> None:
    u, p_u = mann_whitney_p(known, unknown)
    p_perm = permutation_p(known, unknown, 2000, rng)
    print(
        f"{name:<18} known median {statistics.median(known) * 1000:6.2f} ms "
        f"p95 {p95(known) * 1000:6.2f} | unknown median {statistics.median(unknown) * 1000:6.2f}"
        f" ms p95 {p95(unknown) * 1000:6.2f} | Mann-Whitney U={u:.0f} p={p_u:.3f} | "
        f"permutation p={p_perm:.3f}",
        flush=True,
    )


def collect(stack: LocalStack, samples: int, rng: random.Random) -> dict[str, list[Sample]]:
    client = stack.boto3_client()
    known_users = [make_user(stack, client) for _ in range(samples)]
    for email in known_users:  # the warm-up wrong password of each account
        wrong_password(stack, client, email)
    for _ in range(10):  # warm both paths (imports, connections)
        wrong_password(stack, client, f"ghost-{uuid.uuid4().hex[:12]}@example.com")
    # Known accounts in turn; a new unknown address for every unknown sample.
    runs = [("known", email) for email in known_users] + [("unknown", "")] * samples
    rng.shuffle(runs)
    results: dict[str, list[Sample]] = {"known": [], "unknown": []}
    for kind, email in runs:
        address = email or f"u-{uuid.uuid4().hex[:12]}@example.com"
        results[kind].append(wrong_password(stack, client, address))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with start_local_stack() as stack:
        logging.disable(logging.INFO)  # the product's triggers log one line per call
        results = collect(stack, args.samples, rng)
    print(f"samples: {args.samples} of each, interleaved (seed {args.seed})", flush=True)
    for part in ("initiate", "verify", "total"):
        report(
            part,
            [getattr(s, part) for s in results["known"]],
            [getattr(s, part) for s in results["unknown"]],
            rng,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
