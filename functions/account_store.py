"""The per-account limits record in DynamoDB: read, change with a pure function, write back.

Writes are optimistic: each item carries a `version`, and a write succeeds only if nobody wrote
since it was read (a conditional PutItem); otherwise it re-reads and tries again. Concurrent
sign-ins of one account therefore never lose a count. The item holds counters, times and the
codes' random ids under a hash of the user's sub: no email address, no code, no token.

boto3 is imported on first use (Create builds this client at cold start; Verify only on a
wrong answer), and the client has short timeouts so a slow table fails within Cognito's
five-second trigger limit.
Any failure to read or write raises LimitsUnavailable: callers fail closed.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from functions.account_limits import AccountRecord, Hold
from functions.aws_clients import CachedClient
from functions.settings import LIMITS_TABLE_ENV

T = TypeVar("T")
MAX_WRITE_TRIES: Final = 8
# After a lost race, wait a random time up to this doubled each try (jitter spreads the writers).
BACKOFF_SECONDS: Final = 0.01
_KEY_PREFIX: Final = "otp-limits:"
_COUNTERS: Final = (
    "locked_until",
    "lock_count",
    "hour_start",
    "codes_sent",
)

DYNAMODB: Final = CachedClient("dynamodb")
# Replaceable in tests, so back-off costs no test time.
sleep: Callable[[float], None] = time.sleep


class LimitsUnavailable(RuntimeError):
    """The limits table could not be read or written; no code may be issued."""


def account_key(sub: str) -> str:
    """The item's key: a hash of the user's sub, so the table names nobody."""
    return hashlib.sha256((_KEY_PREFIX + sub).encode()).hexdigest()


def dynamodb_client(region: str | None = None) -> Any:
    """The cached DynamoDB client (functions/aws_clients.py).

    Create calls this at import, during Lambda's init phase; Verify and the post-* triggers on
    their first call that needs the table.
    """
    return DYNAMODB.get(region)


def reset_client() -> None:
    DYNAMODB.reset()


def _encode_holds(holds: tuple[Hold, ...]) -> str:
    return ";".join(f"{h.code_id}:{h.attempts}:{h.expires_at}" for h in holds)


def _decode_holds(text: str) -> tuple[Hold, ...]:
    holds = []
    for part in filter(None, text.split(";")):
        code_id, attempts, expires_at = part.split(":")
        holds.append(Hold(code_id, int(attempts), int(expires_at)))
    return tuple(holds)


def decode_item(item: Mapping[str, Any] | None) -> AccountRecord:
    """A DynamoDB item (low-level attribute-value form) as a record; none -> a fresh record."""
    if not item:
        return AccountRecord()

    def number(name: str) -> int:
        value = item.get(name)
        return int(value["N"]) if isinstance(value, Mapping) and "N" in value else 0

    def text(name: str) -> str:
        value = item.get(name)
        return str(value["S"]) if isinstance(value, Mapping) and "S" in value else ""

    return AccountRecord(
        version=number("version"),
        failures=tuple(int(t) for t in text("failures").split(",") if t),
        **{name: number(name) for name in _COUNTERS},
        holds=_decode_holds(text("holds")),
    )


def encode_item(key: str, record: AccountRecord) -> dict[str, Any]:
    """The record as a DynamoDB item, with its TTL attribute `expires_at`."""
    item: dict[str, Any] = {
        "pk": {"S": key},
        "version": {"N": str(record.version)},
        "expires_at": {"N": str(record.expires_at())},
        **{name: {"N": str(getattr(record, name))} for name in _COUNTERS},
    }
    if record.holds:
        item["holds"] = {"S": _encode_holds(record.holds)}
    if record.failures:
        item["failures"] = {"S": ",".join(str(t) for t in record.failures)}
    return item


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


class AccountStore:
    """One table's records; `change` applies a pure function atomically per account."""

    def __init__(self, table_name: str | None = None, client: Any = None) -> None:
        self._table_name = table_name
        self._client = client

    @classmethod
    def from_env(cls) -> AccountStore:
        """A store whose table is named by OTP_LIMITS_TABLE, read at each call (not at import:
        the local stack sets it after tests may already have imported the triggers)."""
        return cls()

    @property
    def table_name(self) -> str | None:
        return self._table_name or os.environ.get(LIMITS_TABLE_ENV) or None

    def _dynamodb(self, region: str | None) -> Any:
        return self._client if self._client is not None else dynamodb_client(region)

    def change(
        self,
        sub: str,
        update: Callable[[AccountRecord], tuple[AccountRecord, T]],
        *,
        region: str | None = None,
    ) -> T:
        """Read the account's record, apply `update`, write the result unless it is unchanged.

        Retries when another writer got there first; raises LimitsUnavailable on any failure.
        """
        table_name = self.table_name
        if not table_name:
            raise LimitsUnavailable(f"{LIMITS_TABLE_ENV} is not set")
        if not sub:
            raise LimitsUnavailable("the user has no sub")
        key = account_key(sub)
        try:
            client = self._dynamodb(region)
            for attempt in range(MAX_WRITE_TRIES):
                if attempt:
                    sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))  # noqa: S311
                found = client.get_item(
                    TableName=table_name, Key={"pk": {"S": key}}, ConsistentRead=True
                ).get("Item")
                record = decode_item(found)
                updated, result = update(record)
                if updated == record:
                    return result
                written = updated._replace(version=record.version + 1)
                condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
                if found:
                    condition = {
                        "ConditionExpression": "#v = :v",
                        "ExpressionAttributeNames": {"#v": "version"},
                        "ExpressionAttributeValues": {":v": {"N": str(record.version)}},
                    }
                try:
                    client.put_item(
                        TableName=table_name, Item=encode_item(key, written), **condition
                    )
                except Exception as error:
                    if _error_code(error) == "ConditionalCheckFailedException":
                        continue
                    raise
                return result
        except LimitsUnavailable:
            raise
        except Exception as error:
            raise LimitsUnavailable(type(error).__name__) from error
        raise LimitsUnavailable("too many concurrent writers")
