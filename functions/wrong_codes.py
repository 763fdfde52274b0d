"""Verify's failure path: count a wrong code for the account, and tell the owner about a lock.

Imported only when an answer is wrong, so the success path never loads boto3. A failure to
record is logged and the answer stays wrong: the code's attempts were reserved when it was
issued, so an unrecorded failure cannot add guesses beyond that reservation.
"""

from __future__ import annotations

import logging
from typing import Any

from functions import mailer
from functions.account_limits import AccountRecord, record_failure
from functions.account_store import AccountStore, LimitsUnavailable
from functions.code_state import CodeState, code_id
from functions.email_templates import codes_locked_email
from functions.events import TriggerRequest, normalize_locale
from functions.log import get_logger, log_json
from functions.settings import TriggerSettings

LOGGER = get_logger(__name__)
STORE = AccountStore.from_env()


def record_wrong_code(
    settings: TriggerSettings,
    request: TriggerRequest,
    state: CodeState,
    *,
    now: int,
    region: Any = None,
) -> bool:
    """Count one wrong answer; email the owner when it starts a lock. True if it did."""
    region_name = region if isinstance(region, str) else None

    def update(record: AccountRecord) -> tuple[AccountRecord, int]:
        """The new record, and the length of the lock this failure started (0: none)."""
        updated, started = record_failure(
            record, code_id=code_id(state), now=now, limits=settings.limits
        )
        return updated, updated.locked_until - now if started else 0

    try:
        lock_seconds = STORE.change(
            request.user_attributes.get("sub", ""), update, region=region_name
        )
    except LimitsUnavailable as error:
        log_json(LOGGER, logging.ERROR, "limits_unavailable", detail=str(error))
        return False
    if lock_seconds:
        log_json(LOGGER, logging.WARNING, "codes_locked", lock_seconds=lock_seconds)
        _notify_owner(settings, request, lock_seconds, region_name)
    return lock_seconds > 0


def _notify_owner(
    settings: TriggerSettings, request: TriggerRequest, lock_seconds: int, region: str | None
) -> None:
    """One email to the account's own address, in the owner's language (not the guesser's)."""
    address = request.user_attributes.get("email", "").strip()
    if not address or not settings.sender_email:
        log_json(LOGGER, logging.ERROR, "lock_notice_not_sent", why="no address or sender")
        return
    locale = normalize_locale(request.user_attributes.get("locale")) or settings.default_locale
    content = codes_locked_email(settings.app_name, lock_seconds, locale)
    try:
        mailer.send_email(
            sender=settings.sender_email, recipient=address, content=content, region=region
        )
    except Exception as error:  # the lock holds even when the notice cannot be sent
        log_json(LOGGER, logging.ERROR, "lock_notice_failed", error_class=type(error).__name__)
