"""A wrong password costs the same SRP work for an unknown email as for a real account.

Timing is never asserted here (bench/unknown_user_timing.py measures it): the tests count the
calls into emulator/srp.py, wrapped in this process where the stack's server thread runs, and
require the same calls, the same number of times, on both paths.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    cognito,
    confirmed_user,
    error_of,
    new_email,
    start_custom_auth,
)

from emulator import LocalStack, srp

WRONG = "Not-The-Password-9"
COUNTED = ("powmod", "compute_verifier", "start", "expected_signature", "signature_matches")
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
LOCKED = ("NotAuthorizedException", "Password attempts exceeded")


@pytest.fixture
def srp_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count every call of the server's SRP functions (and of every modular exponentiation)."""
    calls: Counter[str] = Counter()

    def counting(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(*args, **kwargs)

        return wrapper

    for name in COUNTED:
        monkeypatch.setattr(srp, name, counting(name, getattr(srp, name)))
    return calls


def _wrong_password_sign_in(stack: LocalStack, email: str) -> tuple[str, str]:
    helper, first, params = start_custom_auth(stack, email, WRONG)
    answers = helper.process_challenge(first["ChallengeParameters"], params)
    with pytest.raises(ClientError) as caught:
        cognito(stack).respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=first["Session"],
            ChallengeResponses=answers,
        )
    return error_of(caught.value)


def _srp_work(stack: LocalStack, email: str, calls: Counter[str]) -> Counter[str]:
    calls.clear()
    assert _wrong_password_sign_in(stack, email) == INCORRECT
    return Counter(calls)


def test_unknown_and_known_users_cost_the_same_srp_calls(
    stack: LocalStack, srp_calls: Counter[str]
) -> None:
    known = confirmed_user(stack)
    known_work = _srp_work(stack, known, srp_calls)
    assert known_work == Counter(
        {"powmod": 3, "start": 1, "expected_signature": 1, "signature_matches": 1}
    )  # g^b, then v^u and (A*v^u)^b: the verifier was stored at sign-up
    first_try = _srp_work(stack, new_email(), srp_calls)
    ghost = new_email()
    _srp_work(stack, ghost, srp_calls)
    again = _srp_work(stack, ghost, srp_calls)
    assert first_try == known_work  # a name never tried before
    assert again == known_work  # the same name again


def test_unknown_users_verifier_is_stable_and_costs_no_exponentiation(
    stack: LocalStack, srp_calls: Counter[str]
) -> None:
    first = stack.engine.simulated_verifier(stack.user_pool_id, "ghost@example.com")
    assert stack.engine.simulated_verifier(stack.user_pool_id, "Ghost@Example.com") == first
    assert stack.engine.simulated_verifier(stack.user_pool_id, "other@example.com") != first
    assert stack.engine.simulated_verifier("us-east-1_other", "ghost@example.com") != first
    assert 1 < first < srp.N
    assert srp_calls["powmod"] == 0


def test_the_lockout_does_not_tell_unknown_users_apart(fresh_stack: LocalStack) -> None:
    """Five wrong passwords lock a name out whether or not it has an account."""
    known = confirmed_user(fresh_stack)
    for email in (known, new_email()):
        answers = [_wrong_password_sign_in(fresh_stack, email) for _ in range(6)]
        assert answers == [INCORRECT] * 5 + [LOCKED], email
