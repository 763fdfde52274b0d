"""Per-account limits on one-time codes across sign-ins, as pure functions over one record.

Cognito's limits are per sign-in session, and whoever knows the password can start as many
sessions as they like. So each account has one record (functions/account_store.py keeps it in
DynamoDB) that every sign-in shares:

- **A budget of guesses.** Within any OTP_LOCK_WINDOW_SECONDS (a sliding window: the record
  keeps the time of each recent wrong code) the account may receive at most OTP_LOCK_THRESHOLD
  wrong codes. Each new code *reserves* its attempts from that budget when it is issued (a
  `Hold`), so concurrent sign-ins cannot together get more guesses than the budget, and Verify's
  success path needs no database call: a code can only be answered as often as its hold allows
  (Define and Verify read the allowance from the code's state). Each wrong answer moves one
  attempt from the code's hold to `failures`; a hold's unused attempts come back when its code
  expires or is replaced by a resend, a failure's when it leaves the window.
- **A lock.** When the failures in the window reach the threshold, no code is issued for
  OTP_LOCK_SECONDS, doubling with each repeated lock (up to MAX_LOCK_SECONDS); the caller emails
  the owner once. After the lock the budget still refills only as old failures leave the window.
  A correct code resets failures and the doubling; a completed password reset lifts the lock.
- **A cap on codes emailed per hour** (OTP_MAX_CODES_PER_HOUR), against mail bombing.

Nothing here knows the code, the email address or the user's sub: the record is keyed by a
hash of the sub and holds only counters, times and the codes' random ids.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from functions.settings import MAX_LOCK_SECONDS, AccountLimitSettings

HOUR_SECONDS: Final = 3600
# How long the record outlives its last counter, so a repeated lock still doubles the next day.
RECORD_RETENTION_SECONDS: Final = 86400


class Reason:
    """Why no code was issued (plain strings; the web app maps each to a localized message)."""

    LOCKED: Final = "locked"
    HOURLY_CAP: Final = "hourly_cap"
    BUDGET_IN_USE: Final = "budget_in_use"
    UNAVAILABLE: Final = "unavailable"


class Hold(NamedTuple):
    """Attempts reserved for one issued code, until it expires."""

    code_id: str
    attempts: int
    expires_at: int


class AccountRecord(NamedTuple):
    """The shared state of one account. `version` guards concurrent writers (optimistic)."""

    version: int = 0
    failures: tuple[int, ...] = ()  # when each wrong code of the window was received
    locked_until: int = 0
    lock_count: int = 0
    hour_start: int = 0
    codes_sent: int = 0
    holds: tuple[Hold, ...] = ()

    def expires_at(self) -> int:
        """When the whole record may be forgotten (the DynamoDB TTL attribute)."""
        latest = max(
            *self.failures,
            self.locked_until,
            self.hour_start + HOUR_SECONDS,
            *(hold.expires_at for hold in self.holds),
        )
        return latest + RECORD_RETENTION_SECONDS


class Grant(NamedTuple):
    """A code may be issued; it may receive `attempts` answers."""

    attempts: int


class Refusal(NamedTuple):
    """No code may be issued before `until` (epoch seconds; 0 when unknown)."""

    reason: str
    until: int


def lock_duration(lock_count: int, limits: AccountLimitSettings) -> int:
    """The length of the next lock: OTP_LOCK_SECONDS doubled per earlier lock, capped."""
    return int(min(limits.lock_seconds * 2 ** min(lock_count, 32), MAX_LOCK_SECONDS))


def current(record: AccountRecord, *, now: int, limits: AccountLimitSettings) -> AccountRecord:
    """The record as of `now`: expired holds, old failures and ended locks dropped.

    `lock_count` is kept: it doubles the next lock until a correct code or a password reset.
    """
    holds = tuple(hold for hold in record.holds if hold.expires_at > now)
    failures = tuple(t for t in record.failures if t + limits.lock_window_seconds > now)
    hour_start, codes_sent = record.hour_start, record.codes_sent
    if hour_start and hour_start + HOUR_SECONDS <= now:
        hour_start, codes_sent = 0, 0
    locked_until = record.locked_until if record.locked_until > now else 0
    return record._replace(
        failures=failures,
        locked_until=locked_until,
        hour_start=hour_start,
        codes_sent=codes_sent,
        holds=holds,
    )


def reserve_code(
    record: AccountRecord,
    *,
    code_id: str,
    expires_at: int,
    max_attempts: int,
    now: int,
    limits: AccountLimitSettings,
    replaces: str | None = None,
) -> tuple[AccountRecord, Grant | Refusal]:
    """May a new code be emailed now, with how many attempts? The updated record either way.

    `replaces` names the code a resend supersedes: its unused attempts return to the budget.
    """
    live = current(record, now=now, limits=limits)
    if live.locked_until:
        return live, Refusal(Reason.LOCKED, live.locked_until)
    if live.codes_sent >= limits.max_codes_per_hour:
        return live, Refusal(Reason.HOURLY_CAP, live.hour_start + HOUR_SECONDS)
    # The superseded code's hold is released only if this code is granted: on a refusal the
    # current code stays in use, with the attempts reserved for it.
    kept = tuple(hold for hold in live.holds if hold.code_id != replaces)
    budget = limits.lock_threshold - len(live.failures) - sum(hold.attempts for hold in kept)
    if budget <= 0:
        # Recent failures and other sign-ins' codes hold the budget: it returns when the first
        # of those codes expires or the oldest failure leaves the window.
        returns = [hold.expires_at for hold in kept]
        returns += [t + limits.lock_window_seconds for t in live.failures[:1]]
        return live, Refusal(Reason.BUDGET_IN_USE, min(returns, default=now))
    attempts = min(max_attempts, budget)
    updated = live._replace(
        hour_start=live.hour_start or now,
        codes_sent=live.codes_sent + 1,
        holds=(*kept, Hold(code_id, attempts, expires_at)),
    )
    return updated, Grant(attempts)


def record_failure(
    record: AccountRecord, *, code_id: str, now: int, limits: AccountLimitSettings
) -> tuple[AccountRecord, bool]:
    """Count one wrong code; the updated record and whether this failure started a lock."""
    live = current(record, now=now, limits=limits)
    holds = tuple(
        hold._replace(attempts=hold.attempts - 1) if hold.code_id == code_id else hold
        for hold in live.holds
    )
    live = live._replace(
        failures=(*live.failures, now)[-limits.lock_threshold :],
        holds=tuple(hold for hold in holds if hold.attempts > 0),
    )
    if len(live.failures) < limits.lock_threshold or live.locked_until:
        return live, False
    locked = live._replace(
        locked_until=now + lock_duration(live.lock_count, limits),
        lock_count=live.lock_count + 1,
        holds=(),
    )
    return locked, True


def record_success(record: AccountRecord) -> AccountRecord:
    """A sign-in completed with the right code: failures and the lock's doubling start over.

    The hourly count of emailed codes stays (it limits mail, not guesses), and so do the holds of
    other sign-ins' codes: those codes can still be answered, so their attempts stay reserved.
    """
    return record._replace(failures=(), lock_count=0, locked_until=0)


def lift_lock(record: AccountRecord) -> AccountRecord:
    """The owner reset the password: whoever was guessing no longer has it."""
    return record._replace(failures=(), lock_count=0, locked_until=0)
