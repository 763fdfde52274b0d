"""An attacker who knows the password, against the whole local stack (emulator, real triggers,
moto's DynamoDB): guesses across sign-ins, concurrent sign-ins, locks, the hourly cap, resets.

The attacker drives the web app's own AuthFlow, so the errors checked are what a page and the
terminal client show. Time moves with the stack's clock, never by sleeping.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from functions.settings import LIMITS_TABLE_ENV, LoginSettings
from tests.webapp.auth.emulator_helpers import (
    PASSWORD,
    latest_code,
    mails,
    new_email,
    register,
    wrong_code,
)
from webapp.auth.environment import environ_for_stack
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.flow import AuthFlow, FlowState, Step, build_flow_from_env
from webapp.cli import main
from webapp.messages import error_text

LIMITS = LoginSettings.local().triggers.limits
OTP = LoginSettings.local().triggers.otp


class VerifyLog(logging.Handler):
    """Verify's own log lines: every answer it compared with a real code, and lock starts."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "verify_auth_challenge":
            with self._lock:
                self.records.append(dict(getattr(record, "json_fields", {})))

    def guesses(self) -> int:
        return sum(1 for r in self.records if r.get("reason") == "wrong_or_malformed")

    def locks(self) -> int:
        return sum(1 for r in self.records if r.get("lock_started"))


@pytest.fixture
def flow(stack: Any) -> AuthFlow:
    """The flow on the real clock: the stack's clock jumps by hours here, and the emulator checks
    the SRP proof's TIMESTAMP against real time, as Cognito does."""
    return build_flow_from_env(environ_for_stack(stack))


@pytest.fixture
def verify_log() -> Iterator[VerifyLog]:
    handler = VerifyLog()
    logger = logging.getLogger("functions")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def guess_until_refused(flow: AuthFlow, stack: Any, email: str) -> AuthError | None:
    """One sign-in with the right password and only wrong codes; the refusal, if any."""
    try:
        state = flow.sign_in(FlowState(), email, PASSWORD, "en")
    except AuthError as error:
        return error
    bad = wrong_code(latest_code(stack, email))
    while state.step == Step.CODE:
        state = flow.submit_code(state, bad, "en")
    return None


def code_emails(stack: Any, email: str) -> int:
    subjects = [str(m.get("subject", "")) for m in mails(stack, email)]
    return sum(1 for s in subjects if s.endswith("sign-in code"))


def test_guesses_across_sign_ins_stop_at_the_threshold(
    flow: AuthFlow, stack: Any, verify_log: VerifyLog
) -> None:
    email = new_email()
    register(flow, stack, email)
    refusals, started = [], []
    for _ in range(12):
        started.append(stack.clock.now())
        refusals.append(guess_until_refused(flow, stack, email))
        stack.clock.advance(1)
    assert verify_log.guesses() == LIMITS.lock_threshold
    assert refusals[:4] == [None] * 4
    blocked = [r for r in refusals[4:] if r is not None]
    assert len(blocked) == 8
    assert {r.kind for r in blocked} == {AuthErrorKind.CODES_BLOCKED}
    assert code_emails(stack, email) == 4  # nothing was emailed while locked
    notices = [m for m in mails(stack, email) if "paused" in str(m.get("subject", ""))]
    assert len(notices) == 1
    until = blocked[0].until
    assert until is not None
    # The tenth wrong code, in the fourth sign-in, started the lock.
    assert started[3] + LIMITS.lock_seconds - 1 <= until <= started[4] + LIMITS.lock_seconds
    shown = error_text(blocked[0].kind, "ja", until=until)
    assert "までこのアカウントに認証コードを送信できません" in shown
    assert "UTC" in shown


def test_concurrent_sign_ins_share_one_budget(stack: Any, verify_log: VerifyLog) -> None:
    email = new_email()
    register(build_flow_from_env(environ_for_stack(stack)), stack, email)
    errors: list[BaseException] = []

    def attacker() -> None:
        flow = build_flow_from_env(environ_for_stack(stack))
        try:
            for _ in range(3):
                state = flow.sign_in(FlowState(), email, PASSWORD, "en")
                while state.step == Step.CODE:
                    state = flow.submit_code(state, "000000", "en")
        except AuthError as error:
            if error.kind != AuthErrorKind.CODES_BLOCKED:
                errors.append(error)
        except BaseException as error:  # a failed thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=attacker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert verify_log.guesses() <= LIMITS.lock_threshold
    assert verify_log.locks() == 1
    notices = [m for m in mails(stack, email) if "paused" in str(m.get("subject", ""))]
    assert len(notices) == 1


def test_locks_end_then_double(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    for _ in range(5):
        guess_until_refused(flow, stack, email)
    stack.clock.advance(LIMITS.lock_seconds)
    after_lock = guess_until_refused(flow, stack, email)
    assert after_lock is not None  # the window's failures still use up the budget
    assert after_lock.detail == "budget_in_use"
    stack.clock.advance(LIMITS.lock_window_seconds - LIMITS.lock_seconds)
    refusals = [guess_until_refused(flow, stack, email) for _ in range(5)]
    second = next(r for r in refusals if r is not None)
    assert second.detail == "locked"
    assert second.until == pytest.approx(stack.clock.now() + 2 * LIMITS.lock_seconds, abs=5)
    stack.clock.advance(LIMITS.lock_window_seconds)
    state = flow.sign_in(FlowState(), email, PASSWORD, "en")
    done = flow.submit_code(state, latest_code(stack, email), "en")
    assert flow.is_signed_in(done)


def test_a_correct_code_resets_the_count(flow: AuthFlow, stack: Any, verify_log: VerifyLog) -> None:
    email = new_email()
    register(flow, stack, email)
    for _ in range(3):
        guess_until_refused(flow, stack, email)  # 9 wrong codes
    state = flow.sign_in(FlowState(), email, PASSWORD, "en")
    assert flow.is_signed_in(flow.submit_code(state, latest_code(stack, email), "en"))
    refusals = [guess_until_refused(flow, stack, email) for _ in range(3)]
    assert refusals == [None] * 3  # 9 more wrong codes, still no lock
    assert verify_log.locks() == 0


def test_a_password_reset_lifts_the_lock(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    for _ in range(5):
        guess_until_refused(flow, stack, email)
    with pytest.raises(AuthError) as caught:
        flow.sign_in(FlowState(), email, PASSWORD, "en")
    assert caught.value.kind == AuthErrorKind.CODES_BLOCKED
    new_password = PASSWORD + "-New1"
    state = flow.forgot_password(FlowState(), email, "en")
    state = flow.confirm_forgot_password(state, latest_code(stack, email), new_password)
    state = flow.sign_in(FlowState(), email, new_password, "en")
    assert state.step == Step.CODE


def test_codes_emailed_per_hour_are_capped(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    for _ in range(LIMITS.max_codes_per_hour):
        assert flow.sign_in(FlowState(), email, PASSWORD, "en").step == Step.CODE
        stack.clock.advance(OTP.ttl_seconds)  # each abandoned code's attempts come back
    with pytest.raises(AuthError) as caught:
        flow.sign_in(FlowState(), email, PASSWORD, "en")
    assert caught.value.kind == AuthErrorKind.CODES_BLOCKED
    assert caught.value.detail == "hourly_cap"
    assert code_emails(stack, email) == LIMITS.max_codes_per_hour
    stack.clock.advance(3600)
    assert flow.sign_in(FlowState(), email, PASSWORD, "en").step == Step.CODE


def test_no_table_no_code(flow: AuthFlow, stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    email = new_email()
    register(flow, stack, email)
    monkeypatch.setenv(LIMITS_TABLE_ENV, "a-table-that-does-not-exist")
    with pytest.raises(AuthError) as caught:
        flow.sign_in(FlowState(), email, PASSWORD, "en")
    assert caught.value.kind == AuthErrorKind.CODES_UNAVAILABLE
    assert code_emails(stack, email) == 0
    assert "try again" in error_text(caught.value.kind, "en")


def test_the_limits_table_names_nobody(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    guess_until_refused(flow, stack, email)
    items = stack.boto3_client("dynamodb").scan(TableName="otp-account-limits-local")["Items"]
    text = json.dumps(items)
    assert email not in text
    assert "@" not in text
    assert latest_code(stack, email) not in text


def test_the_terminal_client_says_until_when(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    for _ in range(5):
        guess_until_refused(flow, stack, email)
    out = io.StringIO()
    status = main(
        ["sign-in", "--email", email],
        ask=lambda prompt: "",
        ask_secret=lambda prompt: PASSWORD,
        out=out,
        environ=environ_for_stack(stack),
    )
    text = out.getvalue()
    assert status == 1
    assert re.search(r"no sign-in code can be sent to this account until \d{4}-\d\d-\d\d", text)
    assert PASSWORD not in text
