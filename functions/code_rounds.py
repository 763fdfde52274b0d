"""Create's plan for each CUSTOM_CHALLENGE round, and what the round tells the browser.

Pure functions: the handler supplies the clock, generates the code and sends the email. The plan
mirrors Define (functions/challenge_policy.py) so both count the same way:
- first round: a new code;
- resend request: a new code when fewer than OTP_MAX_CODES were issued and the cooldown has run
  (or the current code has already expired); otherwise the same code, no attempt counted;
- any other failed round: the same code, one more wrong answer counted.
If Cognito does not pass clientMetadata to Create (an open question, see docs/triggers.md), a
resend request looks like a wrong answer here: it costs an attempt and sends nothing, which is
stricter, never looser.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

from functions.challenge_policy import CUSTOM_CHALLENGE
from functions.code_state import CodeState, decode_state
from functions.events import MalformedEvent, SessionEntry
from functions.settings import OtpSettings

# publicChallengeParameters of a round whose new code the account's limits refused: the reason
# (functions/account_limits.Reason) and until when (epoch seconds, 0 when unknown).
BLOCKED_PARAMETER: Final = "blocked"
BLOCKED_UNTIL_PARAMETER: Final = "blocked_until"


class RoundPlan(NamedTuple):
    """Either a new code (number `code_number`) or `reused`, the current code's updated state."""

    send_new_code: bool
    code_number: int
    reused: CodeState | None
    resent: bool


def previous_state(session: Sequence[SessionEntry]) -> CodeState | None:
    """The state of the last round, or None before the first code; garbled state raises."""
    rounds = [entry for entry in session if entry.challenge_name == CUSTOM_CHALLENGE]
    if not rounds:
        return None
    state = decode_state(rounds[-1].challenge_metadata)
    if state is None:
        raise MalformedEvent("the last CUSTOM_CHALLENGE carries no readable code state")
    return state


def resend_available_in(state: CodeState, *, now: float, otp: OtpSettings) -> int:
    """Seconds until a resend request would send a new code (0 when it would now)."""
    if state.is_expired(now):
        return 0
    return max(0, int(state.issued_at + otp.resend_cooldown_seconds - now + 0.999))


def plan_round(
    previous: CodeState | None, *, resend_requested: bool, now: float, otp: OtpSettings
) -> RoundPlan:
    """Decide whether this round emails a new code or reuses the current one."""
    if previous is None:
        return RoundPlan(send_new_code=True, code_number=1, reused=None, resent=False)
    if resend_requested:
        may_send = (
            previous.code_number < otp.max_codes
            and resend_available_in(previous, now=now, otp=otp) == 0
        )
        if may_send:
            return RoundPlan(True, previous.code_number + 1, None, resent=True)
        return RoundPlan(False, previous.code_number, previous, resent=False)
    counted = previous.with_wrong_answers(previous.wrong_answers + 1)
    return RoundPlan(False, previous.code_number, counted, resent=False)


def public_parameters(
    state: CodeState, *, destination: str, resent: bool, now: float, otp: OtpSettings
) -> dict[str, str]:
    """publicChallengeParameters: everything the sign-in page shows, all values strings."""
    codes_left = max(0, otp.max_codes - state.code_number)
    return {
        "destination": destination,
        "code_length": str(state.length),
        "expires_at": str(state.expires_at),
        "attempts_left": str(state.answers_left(otp.max_attempts)),
        "resend_available_in": str(
            resend_available_in(state, now=now, otp=otp) if codes_left else 0
        ),
        "codes_left": str(codes_left),
        "resent": "true" if resent else "false",
    }
