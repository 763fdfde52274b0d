"""Tolerant reading of the Cognito trigger events (shapes in cognito-custom-auth.md section 1).

Cognito omits `clientMetadata` and `userNotFound` when they are unset, sends `null` for the
metadata of SRP entries, and may add fields over time: optional parts get safe defaults, unknown
fields are ignored. What the decision depends on (the session entries, the answer) is checked
strictly, and anything unusable raises MalformedEvent so the handler can fail closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple

from functions.settings import SUPPORTED_LOCALES

# Keys the web app sends in ClientMetadata (a contract with webapp/ and emulator/).
LOCALE_KEY: Final = "locale"
RESEND_KEY: Final = "resend"
RESEND_VALUE: Final = "true"

# Cognito caps a session far below this; a longer list is not a real session.
MAX_SESSION_ENTRIES: Final = 64


class MalformedEvent(ValueError):
    """The event does not have the shape Cognito documents; the trigger must fail closed."""


class SessionEntry(NamedTuple):
    """One ChallengeResult of the session: what was asked, whether it was passed, and metadata."""

    challenge_name: str
    challenge_result: bool
    challenge_metadata: str | None = None


class TriggerRequest(NamedTuple):
    """The parts of `event.request` the custom-auth triggers use."""

    user_name: str
    user_attributes: Mapping[str, str]
    client_metadata: Mapping[str, str]
    user_not_found: bool
    session: tuple[SessionEntry, ...]

    @property
    def resend_requested(self) -> bool:
        return self.client_metadata.get(RESEND_KEY) == RESEND_VALUE


def string_map(value: object) -> dict[str, str]:
    """Keep only the string-to-string pairs (attributes and metadata are documented as strings)."""
    if not isinstance(value, Mapping):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _session_entry(raw: object) -> SessionEntry:
    if not isinstance(raw, Mapping):
        raise MalformedEvent("session entry is not an object")
    name = raw.get("challengeName")
    result = raw.get("challengeResult")
    metadata = raw.get("challengeMetadata")
    if not isinstance(name, str) or not name:
        raise MalformedEvent("session entry without a challengeName")
    if not isinstance(result, bool):
        raise MalformedEvent("session entry without a boolean challengeResult")
    if metadata is not None and not isinstance(metadata, str):
        raise MalformedEvent("session entry with a non-text challengeMetadata")
    return SessionEntry(name, result, metadata)


def parse_session(raw: object) -> tuple[SessionEntry, ...]:
    """The session list; missing or null means empty (the first call of a session)."""
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        raise MalformedEvent("session is not a list")
    if len(raw) > MAX_SESSION_ENTRIES:
        raise MalformedEvent("session is implausibly long")
    return tuple(_session_entry(entry) for entry in raw)


def parse_request(event: object, *, with_session: bool = False) -> TriggerRequest:
    """Read the common part of a Define, Create or Verify event.

    `with_session`: the event must carry `request.session` (Define and Create always get one).
    """
    if not isinstance(event, Mapping):
        raise MalformedEvent("event is not an object")
    request = event.get("request")
    if not isinstance(request, Mapping):
        raise MalformedEvent("event without a request object")
    if with_session and not isinstance(request.get("session"), list | tuple):
        raise MalformedEvent("request without a session list")
    user_not_found = request.get("userNotFound", False)
    if user_not_found is None:
        user_not_found = False
    if not isinstance(user_not_found, bool):
        raise MalformedEvent("userNotFound is not a boolean")
    user_name = event.get("userName")
    return TriggerRequest(
        user_name=user_name if isinstance(user_name, str) else "",
        user_attributes=string_map(request.get("userAttributes")),
        client_metadata=string_map(request.get("clientMetadata")),
        user_not_found=user_not_found,
        session=parse_session(request.get("session")),
    )


def normalize_locale(value: str | None) -> str | None:
    """ "ja", "ja-JP" or "JA_jp" -> "ja"; anything unsupported -> None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED_LOCALES else None


def choose_locale(
    client_metadata: Mapping[str, str], user_attributes: Mapping[str, str], default: str
) -> str:
    """The browser's choice first, then the user's profile, then the deployment default."""
    return (
        normalize_locale(client_metadata.get(LOCALE_KEY))
        or normalize_locale(user_attributes.get(LOCALE_KEY))
        or default
    )
