"""The password checks shown before calling Cognito follow the pool's policy."""

from __future__ import annotations

import pytest

from functions.settings import PasswordPolicy
from webapp.auth.passwords import password_problems, password_rules

DEFAULT = PasswordPolicy()  # 12 characters, lower, upper, digit
STRICT = PasswordPolicy(minimum_length=8, require_symbols=True)
LAX = PasswordPolicy(
    minimum_length=8, require_lowercase=False, require_uppercase=False, require_numbers=False
)


@pytest.mark.parametrize(
    ("password", "policy", "problems"),
    [
        ("Correct-horse-9", DEFAULT, []),
        ("Short-9a", DEFAULT, ["min_length"]),
        ("alllowercase99", DEFAULT, ["uppercase"]),
        ("ALLUPPERCASE99", DEFAULT, ["lowercase"]),
        ("NoDigitsHereAtAll", DEFAULT, ["numbers"]),
        ("", DEFAULT, ["min_length", "lowercase", "uppercase", "numbers"]),
        ("Ábcdéfghijk9", DEFAULT, ["uppercase"]),  # Cognito's case rules count Basic Latin only
        ("Correct9horse", STRICT, ["symbols"]),
        ("Correct9horse^", STRICT, []),
        ("Correct9 horse", STRICT, []),  # an inner space counts as a symbol
        (" Correct9horse", STRICT, ["symbols", "whitespace"]),
        ("Correct-horse-9 ", DEFAULT, ["whitespace"]),
        ("x" * 8, LAX, []),
        ("x" * 257, LAX, ["max_length"]),
    ],
)
def test_password_problems(password: str, policy: PasswordPolicy, problems: list[str]) -> None:
    assert password_problems(password, policy) == problems


def test_minimum_length_follows_the_policy() -> None:
    assert password_problems("Abcdefgh1", PasswordPolicy(minimum_length=9)) == []
    assert password_problems("Abcdefgh1", PasswordPolicy(minimum_length=10)) == ["min_length"]


def test_rules_listed_for_a_form() -> None:
    assert password_rules(DEFAULT) == ["min_length", "lowercase", "uppercase", "numbers"]
    assert password_rules(STRICT) == ["min_length", "lowercase", "uppercase", "numbers", "symbols"]
    assert password_rules(LAX) == ["min_length"]
