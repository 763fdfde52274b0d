"""Does signing up a taken address answer as fast (or as slow) as signing up a new one?

The page reads the same either way ("if this address can be used, we sent a code"); this checks
the time. It takes N samples of each, interleaved in a random order, through the web app's own
flow (webapp.auth.flow.AuthFlow.sign_up, which pads a refusal to the running average of real
sign-ups) against start_local_stack(): a new address each time, or one address that already has
an account. It prints medians, p95 and two tests of "the same distribution" (Mann-Whitney U and
a permutation test, from bench/unknown_user_timing.py). Figures are printed, never asserted.

    .venv/bin/python bench/signup_timing.py [--samples 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.unknown_user_timing import report
from emulator import start_local_stack
from webapp.auth.environment import environ_for_stack
from webapp.auth.flow import FlowState, build_flow_from_env

PASSWORD = "Bench-Password-42"  # noqa: S105 - a throwaway local account


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    logging.getLogger("functions").setLevel(logging.CRITICAL)
    with start_local_stack() as stack:
        flow = build_flow_from_env(environ_for_stack(stack))
        taken = f"taken-{uuid.uuid4().hex[:8]}@example.com"
        flow.sign_up(FlowState(), taken, PASSWORD, "en")
        for _ in range(20):  # warm-up: the pad learns what a real sign-up costs
            flow.sign_up(FlowState(), f"warm-{uuid.uuid4().hex}@example.com", PASSWORD, "en")
        order = ["new"] * args.samples + ["taken"] * args.samples
        rng.shuffle(order)
        times: dict[str, list[float]] = {"new": [], "taken": []}
        for kind in order:
            address = taken if kind == "taken" else f"new-{uuid.uuid4().hex}@example.com"
            started = time.perf_counter()
            flow.sign_up(FlowState(), address, PASSWORD, "en")
            times[kind].append(time.perf_counter() - started)
    print(f"{args.samples} samples each, seed {args.seed}")
    report("sign-up", times["new"], times["taken"], rng)
    print("(known = a new address, unknown = a taken one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
