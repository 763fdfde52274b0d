"""The pool's password policy, checked before calling Cognito so the form can say what is missing.

The rules mirror Cognito's: length in characters, Basic Latin letters for the case rules, ASCII
digits, Cognito's list of special characters, no leading or trailing space.
"""

from __future__ import annotations

from typing import Final

from functions.settings import PasswordPolicy

# Cognito's special characters (developer guide, "Password policies"); a space inside counts too.
COGNITO_SYMBOLS: Final = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
# Cognito's Password API shape: at most 256 characters.
MAX_PASSWORD_LENGTH: Final = 256

MIN_LENGTH: Final = "min_length"
MAX_LENGTH: Final = "max_length"
LOWERCASE: Final = "lowercase"
UPPERCASE: Final = "uppercase"
NUMBERS: Final = "numbers"
SYMBOLS: Final = "symbols"
WHITESPACE: Final = "whitespace"  # leading or trailing space


def password_rules(policy: PasswordPolicy) -> list[str]:
    """The rule ids that apply to this pool, in the order a form lists them."""
    rules = [MIN_LENGTH]
    if policy.require_lowercase:
        rules.append(LOWERCASE)
    if policy.require_uppercase:
        rules.append(UPPERCASE)
    if policy.require_numbers:
        rules.append(NUMBERS)
    if policy.require_symbols:
        rules.append(SYMBOLS)
    return rules


def password_problems(password: str, policy: PasswordPolicy) -> list[str]:
    """The rule ids the password breaks (empty: Cognito will accept it)."""
    problems: list[str] = []
    if len(password) < policy.minimum_length:
        problems.append(MIN_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(MAX_LENGTH)
    if policy.require_lowercase and not any("a" <= c <= "z" for c in password):
        problems.append(LOWERCASE)
    if policy.require_uppercase and not any("A" <= c <= "Z" for c in password):
        problems.append(UPPERCASE)
    if policy.require_numbers and not any("0" <= c <= "9" for c in password):
        problems.append(NUMBERS)
    if policy.require_symbols and not any(c in COGNITO_SYMBOLS for c in password.strip(" ")):
        problems.append(SYMBOLS)
    if password != password.strip():
        problems.append(WHITESPACE)
    return problems
