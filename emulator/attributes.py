"""Which attributes an app client may read and write, and when an update takes effect.

Decisions only (no I/O, no moto calls), from what Cognito documents (botocore's
CreateUserPoolClient, UpdateUserAttributes and UserAttributeUpdateSettingsType docs):

- `ReadAttributes` / `WriteAttributes`, when set, list exactly what a user may read (GetUser, the
  ID token) and write (SignUp, UpdateUserAttributes) through that app client. Unset, the client
  reads everything and writes the standard attributes.
- A write outside `WriteAttributes` is refused: NotAuthorizedException "A client attempted to
  write unauthorized attribute" (the message real clients report).
- `email_verified` / `phone_number_verified` are never written through a client [U: writing them
  would skip the verification they stand for; an administrator sets them with
  AdminUpdateUserAttributes].
- With `AttributesRequireVerificationBeforeUpdate`, a new email "doesn't change the value of the
  attribute until your user responds to the verification message": the user "can sign in and
  receive messages with the original attribute value until they verify the new value."
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import not_authorized

UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute"
# OpenID Connect's standard claims as Cognito lists them (its default write permissions).
STANDARD_ATTRIBUTES = frozenset(
    {
        "address",
        "birthdate",
        "email",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "picture",
        "preferred_username",
        "profile",
        "updated_at",
        "website",
        "zoneinfo",
    }
)
# The attributes Cognito verifies with a code, and the flag that records it.
VERIFIED_FLAG = {"email": "email_verified", "phone_number": "phone_number_verified"}
_FLAGS = frozenset(VERIFIED_FLAG.values())
# [U] `sub` is readable whatever ReadAttributes says (Cognito's console does not even list it).
_ALWAYS_READABLE = frozenset({"sub"})

Attribute = dict[str, str]


def writable_attributes(client_config: Mapping[str, Any]) -> frozenset[str]:
    """What a user may write through this client: its WriteAttributes, else the standard ones."""
    configured = client_config.get("WriteAttributes") or []
    names = frozenset(str(n) for n in configured) if configured else STANDARD_ATTRIBUTES
    return names - _FLAGS


def check_client_writes(client_config: Mapping[str, Any], names: Iterable[str]) -> None:
    """Refuse the whole request if any attribute in it is not writable through this client."""
    allowed = writable_attributes(client_config)
    if any(name not in allowed for name in names):
        raise not_authorized(UNAUTHORIZED_WRITE)


def readable(client_config: Mapping[str, Any], attributes: Sequence[Attribute]) -> list[Attribute]:
    """The attributes a user sees through this client (GetUser, ID token claims)."""
    configured = client_config.get("ReadAttributes") or []
    if not configured:
        return [dict(a) for a in attributes]
    allowed = frozenset(str(n) for n in configured) | _ALWAYS_READABLE
    return [dict(a) for a in attributes if a["Name"] in allowed]


def names_of(attributes: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(a.get("Name") or "") for a in attributes]


@dataclass(frozen=True)
class UpdatePlan:
    """How one attribute update lands: applied now, held until verified, codes to send."""

    apply_now: list[Attribute] = field(default_factory=list)
    # attribute -> new value; the current value stays in force until the code is answered
    pending: dict[str, str] = field(default_factory=dict)
    # (attribute, address) pairs that get a verification code
    send_code_to: list[tuple[str, str]] = field(default_factory=list)


def plan_update(
    pool_config: Mapping[str, Any],
    current: Mapping[str, str],
    requested: Sequence[Mapping[str, Any]],
    *,
    by_admin: bool = False,
) -> UpdatePlan:
    """Decide what an UpdateUserAttributes (or, `by_admin`, AdminUpdateUserAttributes) does.

    - A new value for an auto-verified attribute (email) gets a code at the new address; if the
      pool requires verification before update, the value is only pending until then, otherwise
      it applies at once, unverified.
    - An administrator who sets the flag (`email_verified=true`) in the same request applies the
      value at once, verified, and no code is sent (documented for AdminUpdateUserAttributes).
    - The same value again changes nothing and sends nothing [U].
    """
    auto_verified = set(pool_config.get("AutoVerifiedAttributes") or [])
    settings = pool_config.get("UserAttributeUpdateSettings") or {}
    before_update = set(settings.get("AttributesRequireVerificationBeforeUpdate") or [])
    values = {str(a.get("Name")): str(a.get("Value") or "") for a in requested}
    plan = UpdatePlan()
    for name, value in values.items():
        flag = VERIFIED_FLAG.get(name)
        if name in _FLAGS:
            if by_admin:  # a client never gets here: check_client_writes refused it
                plan.apply_now.append({"Name": name, "Value": value})
        elif flag is None or name not in auto_verified:
            plan.apply_now.append({"Name": name, "Value": value})
        elif value == current.get(name):
            continue
        elif by_admin and values.get(flag) == "true":
            plan.apply_now.append({"Name": name, "Value": value})
        elif name in before_update:
            plan.pending[name] = value
            plan.send_code_to.append((name, value))
        else:
            plan.apply_now.extend(
                [{"Name": name, "Value": value}, {"Name": flag, "Value": "false"}]
            )
            plan.send_code_to.append((name, value))
    return plan
