"""The per-account limits as pure functions: budget, lock, doubling, hourly cap, resets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.account_limits import (
    HOUR_SECONDS,
    AccountRecord,
    Grant,
    Reason,
    Refusal,
    current,
    lift_lock,
    lock_duration,
    record_failure,
    record_success,
    reserve_code,
)
from functions.settings import MAX_LOCK_SECONDS, AccountLimitSettings

LIMITS = AccountLimitSettings(
    lock_threshold=10, lock_window_seconds=3600, lock_seconds=900, max_codes_per_hour=10
)
NOW = 2_000_000_000
TTL = 180


def reserve(
    record: AccountRecord, code: str, now: int = NOW, *, replaces: str | None = None
) -> tuple[AccountRecord, Grant | Refusal]:
    return reserve_code(
        record,
        code_id=code,
        expires_at=now + TTL,
        max_attempts=3,
        now=now,
        limits=LIMITS,
        replaces=replaces,
    )


def fail_times(record: AccountRecord, code: str, times: int, now: int = NOW) -> AccountRecord:
    for _ in range(times):
        record, _ = record_failure(record, code_id=code, now=now, limits=LIMITS)
    return record


def test_concurrent_codes_share_one_budget_of_guesses() -> None:
    record, grants = AccountRecord(), []
    for number in range(5):
        record, decision = reserve(record, f"c{number}")
        grants.append(decision)
    assert grants[:4] == [Grant(3), Grant(3), Grant(3), Grant(1)]
    assert grants[4] == Refusal(Reason.BUDGET_IN_USE, NOW + TTL)


def test_the_budget_returns_when_unused_codes_expire() -> None:
    record = AccountRecord()
    for number in range(4):
        record, _ = reserve(record, f"c{number}")
    later = NOW + TTL
    record, decision = reserve(record, "fresh", now=later)
    assert decision == Grant(3)


def test_failures_stay_counted_after_their_code_expires() -> None:
    record, _ = reserve(AccountRecord(), "a")
    record = fail_times(record, "a", 3)
    for number in range(3):
        record, decision = reserve(record, f"b{number}", now=NOW + TTL + number)
        assert decision == (Grant(3) if number < 2 else Grant(1))


def test_the_threshold_starts_one_lock_exactly_at_the_tenth_failure() -> None:
    record = AccountRecord()
    started = []
    for number in range(4):
        record, _ = reserve(record, f"c{number}")
    for code, wrong in (("c0", 3), ("c1", 3), ("c2", 3), ("c3", 1)):
        for _ in range(wrong):
            record, lock_started = record_failure(record, code_id=code, now=NOW, limits=LIMITS)
            started.append(lock_started)
    assert started == [False] * 9 + [True]
    assert record.locked_until == NOW + 900
    assert record.lock_count == 1
    _, decision = reserve(record, "next", now=NOW + 899)
    assert decision == Refusal(Reason.LOCKED, NOW + 900)
    # After the lock, the window's ten failures still use up the budget until they age out.
    _, decision = reserve(record, "next", now=NOW + 900)
    assert decision == Refusal(Reason.BUDGET_IN_USE, NOW + 3600)
    _, decision = reserve(record, "next", now=NOW + 3600)
    assert decision == Grant(3)


def test_further_failures_during_a_lock_start_no_second_lock() -> None:
    record = AccountRecord(failures=(NOW,) * 9)
    record, first = record_failure(record, code_id="x", now=NOW, limits=LIMITS)
    record, second = record_failure(record, code_id="x", now=NOW + 1, limits=LIMITS)
    assert (first, second) == (True, False)


def test_repeated_locks_double_up_to_a_day() -> None:
    assert [lock_duration(n, LIMITS) for n in range(8)] == [
        900,
        1800,
        3600,
        7200,
        14400,
        28800,
        57600,
        MAX_LOCK_SECONDS,
    ]
    assert lock_duration(500, LIMITS) == MAX_LOCK_SECONDS
    record = AccountRecord(lock_count=2, failures=(NOW,) * 9)
    record, started = record_failure(record, code_id="x", now=NOW, limits=LIMITS)
    assert started
    assert record.locked_until == NOW + 3600


def test_failures_leave_the_window_one_by_one() -> None:
    record = fail_times(AccountRecord(), "a", 5)
    record = fail_times(record, "a", 4, now=NOW + 1800)
    record, started = record_failure(record, code_id="a", now=NOW + 3600, limits=LIMITS)
    assert not started
    assert record.failures == (NOW + 1800,) * 4 + (NOW + 3600,)
    record = fail_times(record, "a", 4, now=NOW + 3601)
    _, started = record_failure(record, code_id="a", now=NOW + 3602, limits=LIMITS)
    assert started  # ten within the hour from NOW + 1800


def test_no_sliding_hour_sees_more_than_the_threshold() -> None:
    record, accepted, now = AccountRecord(), [], NOW
    while now < NOW + 6 * 3600:
        record, decision = reserve(record, f"c{now}", now=now)
        if isinstance(decision, Grant):
            for _ in range(decision.attempts):
                record, _ = record_failure(record, code_id=f"c{now}", now=now, limits=LIMITS)
                accepted.append(now)
        now += 30
    for start in accepted:
        assert sum(1 for t in accepted if start <= t < start + 3600) <= LIMITS.lock_threshold


def test_a_correct_code_resets_failures_and_doubling_but_not_the_mail_count() -> None:
    record, _ = reserve(AccountRecord(lock_count=3), "a")
    record, _ = reserve(record, "b")
    record = fail_times(record, "a", 2)
    reset = record_success(record)
    assert (reset.failures, reset.lock_count, reset.locked_until) == ((), 0, 0)
    assert reset.codes_sent == 2
    assert reset.holds == record.holds  # codes of other sign-ins still hold their attempts


def test_a_password_reset_lifts_the_lock() -> None:
    record = AccountRecord(failures=(NOW,) * 9)
    record, _ = record_failure(record, code_id="x", now=NOW, limits=LIMITS)
    lifted = lift_lock(record)
    _, decision = reserve(lifted, "new", now=NOW + 1)
    assert decision == Grant(3)
    assert lifted.lock_count == 0


def test_codes_per_hour_are_capped_against_mail_bombing() -> None:
    record = AccountRecord()
    for number in range(10):
        record, decision = reserve(record, f"c{number}", now=NOW + number * TTL)
        assert isinstance(decision, Grant)
    _, decision = reserve(record, "c11", now=NOW + 10 * TTL)
    assert decision == Refusal(Reason.HOURLY_CAP, NOW + HOUR_SECONDS)
    _, decision = reserve(record, "c11", now=NOW + HOUR_SECONDS)
    assert isinstance(decision, Grant)


def test_a_granted_resend_returns_the_old_codes_attempts() -> None:
    record, _ = reserve(AccountRecord(), "a")
    record, _ = reserve(record, "b")
    record, _ = reserve(record, "c")
    record, decision = reserve(record, "d", replaces="c")
    assert decision == Grant(3)  # c's 3 attempts came back: 10 - 3 (a) - 3 (b) = 4 left
    assert [hold.code_id for hold in record.holds] == ["a", "b", "d"]


def test_a_refused_resend_keeps_the_current_codes_hold() -> None:
    record = AccountRecord(locked_until=NOW + 60)
    record = record._replace(holds=reserve(AccountRecord(), "a")[0].holds)
    updated, decision = reserve(record, "b", replaces="a")
    assert isinstance(decision, Refusal)
    assert [hold.code_id for hold in updated.holds] == ["a"]


def test_the_record_expires_a_day_after_its_last_counter() -> None:
    record = AccountRecord(locked_until=NOW + 900, hour_start=NOW - 3000)
    assert record.expires_at() == NOW + 900 + 86400


# --- the invariant, whatever the interleaving ---------------------------------------------

operations = st.lists(
    st.tuples(
        st.sampled_from(["reserve", "fail", "resend", "success", "reset"]),
        st.integers(0, 5),  # which code
        st.integers(0, 400),  # seconds since the previous operation
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_guesses_never_exceed_the_budget(script: list[tuple[str, int, int]]) -> None:
    """failures + reserved attempts <= threshold at every step, and when a lock starts no live
    code has an answer left: however sign-ins interleave, the wrong answers within a window
    cannot exceed the threshold, and none can follow the lock."""
    record, now = AccountRecord(), NOW
    answers: dict[str, int] = {}  # answers each issued code may still receive (Define's view)
    expiry: dict[str, int] = {}
    for operation, number, step in script:
        now += step
        live = current(record, now=now, limits=LIMITS)
        assert len(live.failures) + sum(h.attempts for h in live.holds) <= LIMITS.lock_threshold
        usable = [c for c, left in answers.items() if left > 0 and expiry[c] > now]
        chosen = usable[number % len(usable)] if usable else None
        if operation == "reserve" or (operation == "resend" and chosen):
            replaces = chosen if operation == "resend" else None
            new = f"c{len(expiry)}"
            record, decision = reserve(record, new, now=now, replaces=replaces)
            expiry[new] = now + TTL
            answers[new] = decision.attempts if isinstance(decision, Grant) else 0
            if isinstance(decision, Grant) and replaces:
                answers[replaces] = 0  # the session moved on to the new code
        elif operation == "fail" and chosen:
            answers[chosen] -= 1
            record, started = record_failure(record, code_id=chosen, now=now, limits=LIMITS)
            if started:
                assert all(answers[c] == 0 for c in answers if expiry[c] > now)
        elif operation == "success":
            record = record_success(record)
        elif operation == "reset":
            record = lift_lock(record)
