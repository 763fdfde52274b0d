"""Cognito groups of the user pool, from the stack setting `groups` (`cognito:groups` claims).

    pulumi config set --path 'groups[0]' analysts
    pulumi config set groups '["analysts", {"name": "admins", "description": "Operators",
                                            "precedence": 1}]'

Each entry is a group name or an object with `name`, optional `description` and `precedence`
(lower wins when a role is chosen from several groups). Users are put in groups by an
administrator (AdminAddUserToGroup, the console, `aws cognito-idp admin-add-user-to-group`); the
ID and access tokens of their next sign-in or refresh carry the group names, which the web app's
`protected_page(..., groups={...})` checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

CONFIG_KEY: Final = "groups"
# Cognito: 1-128 characters of letters, marks, symbols, numbers and punctuation (no spaces).
_NAME: Final = re.compile(r"^[^\s]{1,128}$")
_MAX_DESCRIPTION: Final = 2048


class GroupsConfigError(ValueError):
    """The `groups` setting cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class GroupSpec:
    name: str
    description: str | None = None
    precedence: int | None = None


def _spec(entry: object) -> GroupSpec:
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, dict):
        raise GroupsConfigError(f"each entry of `{CONFIG_KEY}` is a name or an object: {entry!r}")
    unknown = set(entry) - {"name", "description", "precedence"}
    if unknown:
        raise GroupsConfigError(f"unknown keys in `{CONFIG_KEY}`: {sorted(unknown)}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise GroupsConfigError(
            f"a group name is 1-128 characters without spaces, got {name!r} in `{CONFIG_KEY}`"
        )
    description = entry.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > _MAX_DESCRIPTION
    ):
        raise GroupsConfigError(f"the description of group {name!r} must be a short text")
    precedence = entry.get("precedence")
    if precedence is not None and (
        not isinstance(precedence, int) or isinstance(precedence, bool) or precedence < 0
    ):
        raise GroupsConfigError(f"the precedence of group {name!r} must be a whole number >= 0")
    return GroupSpec(name, description, precedence)


def parse_groups(raw: object) -> tuple[GroupSpec, ...]:
    """The groups of a raw setting: None, a JSON list (names or objects), or "a,b" names."""
    if raw is None or raw == "":
        return ()
    value = raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                raise GroupsConfigError(f"`{CONFIG_KEY}` is not valid JSON: {error}") from None
        else:
            value = [name.strip() for name in text.split(",") if name.strip()]
    if not isinstance(value, list):
        raise GroupsConfigError(f"`{CONFIG_KEY}` must be a list of group names")
    specs = tuple(_spec(entry) for entry in value)
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise GroupsConfigError(f"groups listed twice in `{CONFIG_KEY}`: {duplicates}")
    return specs


def groups_from_lookup(lookup: Callable[[str], str | None]) -> tuple[GroupSpec, ...]:
    """Read the setting with the program's lookup (`pulumi.Config().get`)."""
    return parse_groups(lookup(CONFIG_KEY))


class Groups(pulumi.ComponentResource):
    """One aws.cognito.UserGroup per configured group, children of this component."""

    groups: dict[str, aws.cognito.UserGroup]

    def __init__(
        self,
        name: str,
        user_pool_id: pulumi.Input[str],
        groups: Sequence[GroupSpec],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cognito-otp:infra:Groups", name, None, opts)
        self.groups = {
            spec.name: aws.cognito.UserGroup(
                f"{name}-{spec.name}",
                name=spec.name,
                user_pool_id=user_pool_id,
                description=spec.description,
                precedence=spec.precedence,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for spec in groups
        }
        self.register_outputs({"names": sorted(self.groups)})
