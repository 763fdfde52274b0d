"""The limits record in moto's DynamoDB: item shape, optimistic writes, failures fail closed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from moto import mock_aws
from trigger_events import REGION

from functions import account_store
from functions.account_limits import AccountRecord, Hold
from functions.account_store import AccountStore, LimitsUnavailable, decode_item, encode_item
from functions.settings import LIMITS_TABLE_ENV

TABLE = "limits-under-test"
SUB = "6f1e0c7a-3b1d-4f43-9d51-2a0b1f0e8c11"


waits: list[float] = []


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setattr(account_store, "sleep", waits.append)
    account_store.reset_client()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield dynamodb
    account_store.reset_client()


def bump(record: AccountRecord) -> tuple[AccountRecord, int]:
    updated = record._replace(failures=(*record.failures, 100 + len(record.failures)))
    return updated, len(updated.failures)


def test_items_are_keyed_by_a_hash_and_hold_no_personal_data(client: Any) -> None:
    store = AccountStore(TABLE)
    hold = Hold("0a1b2c3d4e5f6071", 3, 500)
    store.change(SUB, lambda r: (r._replace(holds=(hold,), hour_start=10, codes_sent=1), None))
    items = client.scan(TableName=TABLE)["Items"]
    assert len(items) == 1
    item = items[0]
    assert item["pk"]["S"] == hashlib.sha256(f"otp-limits:{SUB}".encode()).hexdigest()
    text = repr(item)
    assert SUB not in text
    assert "@" not in text
    assert item["expires_at"]["N"] == str(max(500, 10 + 3600) + 86400)
    assert decode_item(item).holds == (hold,)


def test_round_trip_of_every_field() -> None:
    record = AccountRecord(7, (1, 2), 3, 4, 5, 6, (Hold("a", 1, 9), Hold("b", 2, 8)))
    assert decode_item(encode_item("k", record)) == record
    assert decode_item(None) == AccountRecord()


def test_changes_accumulate_and_unchanged_records_are_not_written(client: Any) -> None:
    store = AccountStore(TABLE)
    assert [store.change(SUB, bump) for _ in range(3)] == [1, 2, 3]
    version = decode_item(client.scan(TableName=TABLE)["Items"][0]).version
    assert version == 3
    store.change(SUB, lambda record: (record, None))
    assert decode_item(client.scan(TableName=TABLE)["Items"][0]).version == 3


class RacingClient:
    """Lets another writer update the item between our read and our write, `races` times."""

    def __init__(self, real: Any, races: int) -> None:
        self.real, self.races, self.puts = real, races, 0

    def get_item(self, **kwargs: Any) -> Any:
        found = self.real.get_item(**kwargs)
        if self.races:
            self.races -= 1
            AccountStore(TABLE, self.real).change(SUB, bump)  # the other sign-in wins
        return found

    def put_item(self, **kwargs: Any) -> Any:
        self.puts += 1
        return self.real.put_item(**kwargs)


@pytest.mark.parametrize("races", [1, 3])
def test_a_concurrent_write_is_never_lost(client: Any, races: int) -> None:
    AccountStore(TABLE).change(SUB, bump)
    racing = RacingClient(client, races)
    assert AccountStore(TABLE, racing).change(SUB, bump) == races + 2
    assert len(decode_item(client.scan(TableName=TABLE)["Items"][0]).failures) == races + 2
    assert racing.puts == races + 1  # each lost race was retried


def test_the_first_write_cannot_overwrite_a_concurrent_first_write(client: Any) -> None:
    racing = RacingClient(client, 1)
    assert AccountStore(TABLE, racing).change(SUB, bump) == 2


def test_endless_contention_fails_closed(client: Any) -> None:
    racing = RacingClient(client, 1000)
    waits.clear()
    with pytest.raises(LimitsUnavailable, match="concurrent"):
        AccountStore(TABLE, racing).change(SUB, bump)
    assert len(waits) == account_store.MAX_WRITE_TRIES - 1  # a random back-off between tries
    assert max(waits) <= account_store.BACKOFF_SECONDS * 2 ** (account_store.MAX_WRITE_TRIES - 1)


class BrokenClient:
    def get_item(self, **kwargs: Any) -> Any:
        raise ConnectionError("no route to DynamoDB")


def test_an_unreachable_table_fails_closed() -> None:
    with pytest.raises(LimitsUnavailable, match="ConnectionError"):
        AccountStore(TABLE, BrokenClient()).change(SUB, bump)


def test_a_missing_table_fails_closed(client: Any) -> None:
    with pytest.raises(LimitsUnavailable, match="ResourceNotFound"):
        AccountStore("no-such-table").change(SUB, bump)


def test_no_table_configured_or_no_sub_fails_closed(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LIMITS_TABLE_ENV, raising=False)
    with pytest.raises(LimitsUnavailable, match=LIMITS_TABLE_ENV):
        AccountStore.from_env().change(SUB, bump)
    monkeypatch.setenv(LIMITS_TABLE_ENV, TABLE)
    assert AccountStore.from_env().change(SUB, bump) == 1  # read at call time
    with pytest.raises(LimitsUnavailable, match="sub"):
        AccountStore.from_env().change("", bump)
