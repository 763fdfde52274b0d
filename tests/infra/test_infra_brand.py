"""brandLogoUrl and brandPrimaryColor: checked at preview, passed to the web task when set."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from infra_harness import PROJECT, PROJECT_FILE, Program, config_for, run_program

from functions.colours import contrast_ratio
from functions.settings import SettingError
from infra.config import BRAND_LOGO_URL, BRAND_PRIMARY_COLOR, INFRA_SETTINGS, load_stack_config
from webapp.brand import BrandError, brand_from_env

TASK = "aws:ecs/taskDefinition:TaskDefinition"
LOGO = "https://cdn.northwind-traders.io/brand/logo.svg"
BRAND_ENV = {"APP_LOGO", "APP_PRIMARY_COLOR"}


def _lookup(config: dict[str, str]) -> Callable[[str], str | None]:
    prefix = f"{PROJECT}:"
    return lambda key: config.get(prefix + key)


def _environment(program: Program) -> dict[str, str]:
    containers = json.loads(program.one(TASK).inputs["containerDefinitions"])
    assert len(containers) == 1
    container: dict[str, Any] = containers[0]
    return {e["name"]: e["value"] for e in container["environment"]}


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_both_keys_are_stack_settings_with_empty_defaults() -> None:
    assert BRAND_LOGO_URL in INFRA_SETTINGS
    assert BRAND_PRIMARY_COLOR in INFRA_SETTINGS
    assert (BRAND_LOGO_URL.env, BRAND_PRIMARY_COLOR.env) == ("APP_LOGO", "APP_PRIMARY_COLOR")
    for setting in (BRAND_LOGO_URL, BRAND_PRIMARY_COLOR):
        spec = PROJECT_FILE["config"][setting.key]
        assert spec == {"type": "string", "default": "", "description": setting.description}


GOOD_LOGOS = [
    (LOGO, LOGO),
    ("  https://northwind-traders.io/logo.png  ", "https://northwind-traders.io/logo.png"),
    ("https://cdn.northwind-traders.io:8443/a/b.webp?v=3#x", None),
    ("https://img-cdn.northwind-traders.io/logo.jpeg", None),
]


@pytest.mark.parametrize(("value", "expected"), GOOD_LOGOS)
def test_an_https_logo_is_accepted_and_the_web_app_accepts_it_too(
    value: str, expected: str | None
) -> None:
    parsed = load_stack_config(_lookup(config_for("dev", brandLogoUrl=value))).brand_logo_url
    assert parsed == (expected or value)
    brand = brand_from_env({"APP_LOGO": parsed})
    assert brand.logo_url == parsed
    assert brand.logo_file is None, "an https:// logo is never read as a file in the container"


GOOD_COLOURS = [
    ("#1a5fb4", "#1a5fb4"),  # 6.29:1, the app's own default
    ("#0B5FFF", "#0b5fff"),  # 5.13:1; upper case is written the way the app writes it
    ("#767676", "#767676"),  # 4.54:1, just above AA
    ("#000000", "#000000"),
]


@pytest.mark.parametrize(("value", "expected"), GOOD_COLOURS)
def test_a_readable_primary_colour_is_accepted(value: str, expected: str) -> None:
    parsed = load_stack_config(_lookup(config_for("dev", brandPrimaryColor=value)))
    assert parsed.brand_primary_color == expected
    assert brand_from_env({"APP_PRIMARY_COLOR": expected}).primary == expected


BAD_BRAND_VALUES = [
    # A file path is a logo in the container, which a deployed stack cannot put there.
    ("brandLogoUrl", "/app/brand/logo.svg", r"brandLogoUrl must be an https:// URL, got '/app/b"),
    ("brandLogoUrl", "logo.png", r"brandLogoUrl must be an https:// URL, got 'logo\.png': the"),
    (
        "brandLogoUrl",
        "http://northwind-traders.io/logo.svg",
        r"URL, got 'http:",
    ),
    # The app reads anything not starting exactly with https:// as a file path.
    ("brandLogoUrl", "HTTPS://northwind-traders.io/l.svg", r"must be an https:// URL, got 'HTTPS"),
    ("brandLogoUrl", "https://", r"brandLogoUrl must be an https:// URL with a host and no quotes"),
    ("brandLogoUrl", "https:///logo.svg", r"must be an https:// URL with a host"),
    ("brandLogoUrl", "https://:443/logo.svg", r"must be an https:// URL with a host"),
    ("brandLogoUrl", "https://cdn.io/my logo.svg", r"no quotes, spaces, < or >, or empty, got"),
    ("brandLogoUrl", 'https://cdn.io/a"onerror="x.svg', r"no quotes, spaces, < or >"),
    ("brandLogoUrl", "https://cdn.io/a'.svg", r"no quotes, spaces, < or >"),
    ("brandLogoUrl", "https://cdn.io/<script>.svg", r"no quotes, spaces, < or >"),
    ("brandLogoUrl", "https://cdn.io/a>.svg", r"no quotes, spaces, < or >"),
    # The host goes into the app's Content-Security-Policy: nothing but a host name (and port).
    ("brandLogoUrl", "https://cdn.io;script-src/x.svg", r"must be an https:// URL with a host"),
    ("brandLogoUrl", "https://user@cdn.io/x.svg", r"must be an https:// URL with a host"),
    ("brandPrimaryColor", "red", r"brandPrimaryColor must be a colour written #rrggbb .*'red'"),
    ("brandPrimaryColor", "#fff", r"brandPrimaryColor must be a colour written #rrggbb"),
    ("brandPrimaryColor", "1a5fb4", r"brandPrimaryColor must be a colour written #rrggbb"),
    ("brandPrimaryColor", "#1a5fb4ff", r"brandPrimaryColor must be a colour written #rrggbb"),
    (
        "brandPrimaryColor",
        "#ffcc00",
        r"brandPrimaryColor #ffcc00 carries white button text at 1\.51:1; WCAG AA needs 4\.5:1",
    ),
    ("brandPrimaryColor", "#777777", r"brandPrimaryColor #777777 .* at 4\.48:1; WCAG AA needs"),
    ("brandPrimaryColor", "#FFFFFF", r"brandPrimaryColor #FFFFFF .* at 1\.00:1; .*darker shade"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_BRAND_VALUES)
def test_bad_brand_values_are_refused_with_a_message(key: str, value: str, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        load_stack_config(_lookup(config_for("dev", **{key: value})))


@pytest.mark.parametrize(
    "value", [value for key, value, _ in BAD_BRAND_VALUES if key == "brandPrimaryColor"]
)
def test_a_colour_the_stack_refuses_the_web_app_refuses_too(value: str) -> None:
    """Refused at preview for the reason the app would refuse it at start-up, not a stricter one."""
    with pytest.raises(BrandError, match="APP_PRIMARY_COLOR"):
        brand_from_env({"APP_PRIMARY_COLOR": value})


def test_the_threshold_is_the_one_the_web_app_uses() -> None:
    assert contrast_ratio("#777777", "#ffffff") < 4.5 < contrast_ratio("#767676", "#ffffff")
    with pytest.raises(BrandError, match=r"4\.48:1"):
        brand_from_env({"APP_PRIMARY_COLOR": "#777777"})
    brand_from_env({"APP_PRIMARY_COLOR": "#767676"})


def test_a_bad_colour_stops_the_program_itself() -> None:
    """`pulumi preview` and `pulumi up` run the program: they fail before anything is created."""
    with pytest.raises(SettingError, match=r"brandPrimaryColor #ffcc00 .* at 1\.51:1"):
        run_program(config_for("dev", brandPrimaryColor="#ffcc00"))
    with pytest.raises(SettingError, match=r"brandLogoUrl must be an https:// URL"):
        run_program(config_for("dev", brandLogoUrl="/srv/logo.svg"))


def test_the_brand_reaches_the_web_containers_environment(stack: str) -> None:
    program = run_program(
        config_for(stack, brandLogoUrl=LOGO, brandPrimaryColor="#0B5FFF"), stack=stack
    )
    env = _environment(program)
    assert env["APP_LOGO"] == LOGO
    assert env["APP_PRIMARY_COLOR"] == "#0b5fff"
    brand = brand_from_env(env)
    assert (brand.primary, brand.logo_url) == ("#0b5fff", LOGO)
    assert brand.logo_origin == "https://cdn.northwind-traders.io"


def test_each_key_alone_adds_only_its_own_variable() -> None:
    logo_only = _environment(run_program(config_for("dev", brandLogoUrl=LOGO)))
    assert logo_only["APP_LOGO"] == LOGO
    assert "APP_PRIMARY_COLOR" not in logo_only
    colour_only = _environment(run_program(config_for("dev", brandPrimaryColor="#1a5fb4")))
    assert colour_only["APP_PRIMARY_COLOR"] == "#1a5fb4"
    assert "APP_LOGO" not in colour_only


@pytest.mark.parametrize("value", [None, "", "   "])
def test_absent_or_empty_keys_add_nothing(stack: str, value: str | None) -> None:
    config = config_for(stack, brandLogoUrl=value, brandPrimaryColor=value)
    parsed = load_stack_config(_lookup(config))
    assert (parsed.brand_logo_url, parsed.brand_primary_color) == (None, None)
    env = _environment(run_program(config, stack=stack))
    assert not BRAND_ENV & set(env), "unset, the app keeps its own logo-less header and blue"
    brand = brand_from_env(env)
    assert (brand.logo_url, brand.primary) == ("", "#1a5fb4")
