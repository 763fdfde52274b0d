"""infra/groups.py: the `groups` setting parsed and checked, one Cognito UserGroup per entry."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pytest
from infra_harness import PROJECT, RecordingMocks, RecordingMonitor

from infra.groups import Groups, GroupsConfigError, GroupSpec, groups_from_lookup, parse_groups

GROUP = "aws:cognito/userGroup:UserGroup"
POOL_ID = "eu-west-1_AbCdEf123"


def _created(specs: tuple[GroupSpec, ...]) -> dict[str, dict[str, Any]]:
    """Inputs of every resource the component creates, by name (fresh mocks, like the suite)."""
    # Pulumi's runtime wants a current loop (another suite in the same process may leave none).
    asyncio.set_event_loop(asyncio.new_event_loop())
    mocks = RecordingMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="dev", preview=False, monitor=monitor)

    @pulumi.runtime.test
    def run() -> pulumi.Output[list[str]]:
        component = Groups("login-groups", POOL_ID, specs)
        return pulumi.Output.all(*[group.urn for group in component.groups.values()])

    run()
    found = {}
    for urn in monitor.get_registered_resources():
        typ, name = urn.split("::")[2].split("$")[-1], urn.split("::")[3]
        if typ == GROUP:
            found[name] = mocks.inputs[(typ, name)]
            assert "cognito-otp:infra:Groups" in urn  # parented to the component
    return found


def test_no_setting_means_no_group() -> None:
    assert parse_groups(None) == ()
    assert groups_from_lookup(lambda key: None) == ()
    assert _created(()) == {}


def test_names_in_json_or_commas_and_objects() -> None:
    assert parse_groups("analysts, admins") == (GroupSpec("analysts"), GroupSpec("admins"))
    raw = '["analysts", {"name": "admins", "description": "Operators", "precedence": 1}]'
    assert parse_groups(raw) == (
        GroupSpec("analysts"),
        GroupSpec("admins", "Operators", 1),
    )
    assert groups_from_lookup({"groups": '["x"]'}.get) == (GroupSpec("x"),)


@pytest.mark.parametrize(
    "raw",
    [
        '["has space"]',
        '["ok", "ok"]',
        '[{"name": "a", "precedence": -1}]',
        '[{"name": "a", "colour": "red"}]',
        '[{"name": ""}]',
        "[not json",
        '{"name": "a"}',
        "[" + '"' + "x" * 129 + '"' + "]",
    ],
)
def test_bad_settings_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(GroupsConfigError):
        parse_groups(raw)


def test_one_user_group_per_entry_in_the_pool() -> None:
    created = _created(parse_groups('["analysts", {"name": "admins", "precedence": 1}]'))
    assert set(created) == {"login-groups-analysts", "login-groups-admins"}
    analysts, admins = created["login-groups-analysts"], created["login-groups-admins"]
    assert analysts["name"] == "analysts"
    assert analysts["userPoolId"] == POOL_ID
    assert "precedence" not in analysts
    assert admins["name"] == "admins"
    assert admins["precedence"] == 1
