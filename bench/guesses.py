"""Guesses per hour at one account's codes by an attacker who knows its password.

Run: `.venv/bin/python bench/guesses.py [--hours 6] [--every 30]`

The attacker drives the web app's own sign-in flow against the whole local stack (emulator,
the real triggers, moto's DynamoDB for the per-account limits): every `--every` seconds of the
stack's clock it signs in with the right password and answers every code it is given with a
wrong one, until the sign-in ends. Time moves with the stack's clock (the emulator checks the
SRP proof's timestamp against real time, so the flow itself keeps the real clock). For each
simulated hour it prints the guesses Verify compared with a real code, the sign-ins refused
before any code, and the emails the owner received.

Before the per-account limits (issue 8), each sign-in gave OTP_MAX_ATTEMPTS fresh guesses and
nothing counted across sign-ins: one sign-in a second is 10,800 guesses an hour per attacker
process, and the issue measured 250,000-320,000 an hour with parallel sign-ins.

This is a benchmark, not a test: it prints figures, it never fails on them.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emulator import start_local_stack  # noqa: E402
from functions.log import get_logger  # noqa: E402
from functions.settings import LoginSettings  # noqa: E402
from webapp.auth.environment import environ_for_stack  # noqa: E402
from webapp.auth.errors import AuthError  # noqa: E402
from webapp.auth.flow import AuthFlow, FlowState, Step, build_flow_from_env  # noqa: E402

PASSWORD = "Correct-horse-9battery"  # noqa: S105 - a throwaway emulator account
VICTIM = "victim@example.com"


class GuessCounter(logging.Handler):
    """Counts Verify's log lines for answers it compared with a real code."""

    def __init__(self) -> None:
        super().__init__()
        self.guesses = 0

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "json_fields", {})
        if record.getMessage() == "verify_auth_challenge" and fields.get("reason") == (
            "wrong_or_malformed"
        ):
            self.guesses += 1


def latest_code(stack: Any) -> str:
    text = str(stack.mailbox.messages(to=VICTIM)[-1].get("text", ""))
    return next(line.strip() for line in text.splitlines() if line.strip().isdigit())


def register(flow: AuthFlow, stack: Any) -> None:
    state = flow.sign_up(FlowState(), VICTIM, PASSWORD, "en")
    flow.confirm_sign_up(state, latest_code(stack))


def one_attack(flow: AuthFlow) -> bool:
    """One sign-in answered with wrong codes only; False if no code was issued at all."""
    try:
        state = flow.sign_in(FlowState(), VICTIM, PASSWORD, "en")
    except AuthError:
        return False
    while state.step == Step.CODE:
        state = flow.submit_code(state, "000000", "en")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--hours", type=int, default=6, help="simulated hours")
    parser.add_argument("--every", type=float, default=30.0, help="seconds between sign-ins")
    args = parser.parse_args()
    limits = LoginSettings.local().triggers.limits
    counter = GuessCounter()
    root = get_logger("functions")
    for handler in root.handlers:
        handler.setLevel(logging.CRITICAL + 1)  # the triggers' JSON lines stay off stdout
    root.addHandler(counter)
    print(
        f"limits: {limits.lock_threshold} wrong codes per {limits.lock_window_seconds} s, "
        f"lock {limits.lock_seconds} s doubling, {limits.max_codes_per_hour} codes per hour; "
        f"one sign-in every {args.every:g} simulated seconds"
    )
    print(f"{'hour':>4}{'sign-ins':>10}{'refused':>9}{'guesses':>9}{'emails':>8}")
    started = time.perf_counter()
    with start_local_stack() as stack:
        flow = build_flow_from_env(environ_for_stack(stack))
        register(flow, stack)
        emails_before = len(stack.mailbox.messages(to=VICTIM))
        total = 0
        for hour in range(1, args.hours + 1):
            guesses_before, refused, sign_ins = counter.guesses, 0, 0
            hour_end = stack.clock.now() + 3600
            while stack.clock.now() < hour_end:
                sign_ins += 1
                if not one_attack(flow):
                    refused += 1
                stack.clock.advance(args.every)
            emails = len(stack.mailbox.messages(to=VICTIM))
            guesses = counter.guesses - guesses_before
            total += guesses
            print(f"{hour:>4}{sign_ins:>10}{refused:>9}{guesses:>9}{emails - emails_before:>8}")
            emails_before = emails
    print(
        f"total: {total} guesses in {args.hours} h = {total / args.hours:.1f} per hour "
        f"(target: at most {limits.lock_threshold} per {limits.lock_window_seconds} s window); "
        f"{time.perf_counter() - started:.0f} s of real time"
    )


if __name__ == "__main__":
    main()
