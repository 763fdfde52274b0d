"""Pulumi.yaml, the stack files and config validation: one definition, no drift, clear errors."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from infra_harness import (
    PROJECT,
    PROJECT_FILE,
    ROOT,
    USER_DOMAIN,
    USER_VALUES,
    config_for,
    run_program,
    stack_file_config,
)

from functions.settings import ALL_SETTINGS, SettingError
from infra.auth import TRIGGERS
from infra.config import (
    INFRA_SETTINGS,
    STACK_SETTINGS,
    StackConfig,
    load_stack_config,
    pulumi_default,
    pulumi_type,
    settings_table_markdown,
)


def _lookup(config: dict[str, str]) -> Callable[[str], str | None]:
    prefix = f"{PROJECT}:"
    return lambda key: config.get(prefix + key)


def _pulumi_accepts(type_name: str, value: object) -> bool:
    """Pulumi's own check (sdk/go/common/workspace/project.go, ValidateConfigValue)."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        return isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value) is not None
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    return False


def test_project_runtime_matches_how_the_readme_installs() -> None:
    assert PROJECT == "cognito-email-otp-login"
    runtime = PROJECT_FILE["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"] == {"toolchain": "pip", "virtualenv": ".venv"}
    assert (ROOT / "__main__.py").is_file()
    deploy = (ROOT / "README.md").read_text()
    assert ".venv/bin/pip install" in deploy
    assert "'.[infra]'" in deploy


def test_pulumi_yaml_schema_is_generated_from_the_one_definition() -> None:
    schema = PROJECT_FILE["config"]
    assert list(schema) == [s.key for s in STACK_SETTINGS]
    assert {s.key for s in ALL_SETTINGS} <= set(schema)
    assert {s.key for s in INFRA_SETTINGS} <= set(schema)
    for setting in STACK_SETTINGS:
        spec = schema[setting.key]
        assert spec["type"] == pulumi_type(setting), setting.key
        assert spec["description"] == setting.description, setting.key
        if setting.default is None:
            assert "default" not in spec, f"{setting.key} is required: no default"
        else:
            assert spec["default"] == pulumi_default(setting), setting.key
            assert type(spec["default"]) is type(pulumi_default(setting)), setting.key
            # Pulumi itself refuses a default of the wrong type.
            assert _pulumi_accepts(spec["type"], spec["default"]), setting.key
            # And the default passes our own validation.
            setting.parse(
                str(spec["default"]).lower() if spec["type"] == "boolean" else spec["default"]
            )


def test_issue_keys_are_all_in_the_schema() -> None:
    required = {
        "senderEmail",
        "senderDomain",
        "appName",
        "certificateArn",
        "natPerAz",
        "taskCpu",
        "taskMemory",
        "desiredCount",
        "minCount",
        "maxCount",
        "otpLength",
        "otpTtlSeconds",
        "otpMaxAttempts",
        "otpMaxCodes",
        "otpResendCooldownSeconds",
        "otpLockThreshold",
        "otpLockWindowSeconds",
        "otpLockSeconds",
        "otpMaxCodesPerHour",
        "authSessionValidityMinutes",
        "idTokenValidityMinutes",
        "accessTokenValidityMinutes",
        "refreshTokenValidityDays",
        "logRetentionDays",
        "deletionProtection",
        "image",
    }
    assert required <= set(PROJECT_FILE["config"])


def test_defaults_alone_plus_a_sender_make_a_valid_stack() -> None:
    config = {
        f"{PROJECT}:{k}": str(v["default"]).lower()
        if isinstance(v["default"], bool)
        else str(v["default"])
        for k, v in PROJECT_FILE["config"].items()
        if "default" in v
    }
    with pytest.raises(SettingError, match="senderEmail is required"):
        load_stack_config(_lookup(config))
    config[f"{PROJECT}:senderEmail"] = f"a@{USER_DOMAIN}"
    stack = load_stack_config(_lookup(config))
    assert stack.certificate_arn is None
    assert stack.image is None
    assert stack.nat_per_az is False
    assert stack.session_store == "redis", "the default is the safe one for several tasks"
    assert (stack.session_cache_max_gb, stack.session_cache_max_ecpu_per_second) == (1, 5000)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_parse_and_validate_through_the_same_code(stack: str) -> None:
    raw = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    assert raw["aws:region"]
    for key, value in raw.items():
        namespace, _, name = key.partition(":")
        assert namespace in {PROJECT, "aws"}, key
        if namespace == PROJECT:
            spec = PROJECT_FILE["config"][name]  # an unknown key fails here
            assert _pulumi_accepts(spec["type"], value), f"{key}: {value!r} is not {spec['type']}"
    parsed = load_stack_config(_lookup(config_for(stack)), region=raw["aws:region"])
    assert isinstance(parsed, StackConfig)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_example_stack_files_are_refused_until_the_user_sets_their_own(stack: str) -> None:
    """example.com fails at SES and the placeholder certificate at the ALB: fail first, clearly."""
    expected = {
        "dev": "senderEmail is 'no-reply@example.com'",
        "prod": "senderDomain is 'example.com'",
    }
    with pytest.raises(SettingError, match=expected[stack] + ", an example value"):
        load_stack_config(_lookup(stack_file_config(stack)))
    with pytest.raises(SettingError, match="an example value"):
        run_program(stack_file_config(stack), stack=stack)
    if stack == "prod":
        only_sender = config_for(stack, certificateArn=None, senderDomain=None)
        only_sender[f"{PROJECT}:certificateArn"] = stack_file_config(stack)[
            f"{PROJECT}:certificateArn"
        ]
        with pytest.raises(SettingError, match=r"certificateArn .* is the example placeholder"):
            load_stack_config(_lookup(only_sender))
        with pytest.raises(SettingError, match=r"senderDomain is 'example\.com'"):
            load_stack_config(
                _lookup(config_for(stack, senderDomain="example.com", senderEmail="a@example.com"))
            )
    assert set(USER_VALUES[stack]) >= {"senderEmail"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("senderEmail", "ops@mail.example.org"),
        ("senderEmail", "ops@app.test"),
        ("replyToEmail", "help@example.net"),
        ("alarmEmail", "oncall@corp.invalid"),
    ],
)
def test_reserved_documentation_domains_are_refused(key: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"{key} is '{value}', an example value"):
        load_stack_config(_lookup(config_for("dev", **{key: value})))


def test_a_certificate_needs_the_host_name_users_reach() -> None:
    """The app answers only its own host names: with a certificate it must be told which."""
    with pytest.raises(SettingError, match=r"domainName is required with certificateArn"):
        load_stack_config(_lookup(config_for("prod", domainName=None)))
    with pytest.raises(SettingError, match=r"domainName is 'login\.example\.com', an example"):
        load_stack_config(_lookup(config_for("prod", domainName="login.example.com")))
    assert (
        load_stack_config(_lookup(config_for("prod"))).domain_name
        == USER_VALUES["prod"]["domainName"]
    )


def test_a_certificate_of_another_region_is_refused() -> None:
    config = config_for("prod")
    with pytest.raises(SettingError, match="certificateArn is in eu-west-1 but the stack deploys"):
        load_stack_config(_lookup(config), region="us-east-1")
    assert load_stack_config(_lookup(config), region="eu-west-1").certificate_arn


def test_dev_is_cheap_and_prod_is_production_shaped() -> None:
    dev = load_stack_config(_lookup(config_for("dev")))
    prod = load_stack_config(_lookup(config_for("prod")))
    assert dev.nat_per_az is False
    assert dev.certificate_arn is None, "dev is HTTPS through CloudFront"
    assert dev.deletion_protection is False
    assert dev.task_cpu == 256
    assert dev.max_count == 1, "one task..."
    assert dev.session_store == "memory", "...so no session cache to pay for"
    assert prod.session_store == "redis", "prod's tasks share every browser's state"
    assert prod.max_count > 1
    assert dev.threat_protection == prod.threat_protection == "off"
    assert prod.nat_per_az is True
    assert prod.certificate_arn is not None
    assert prod.deletion_protection is True
    assert prod.min_count >= 2
    assert prod.desired_count >= 2
    assert prod.sender_domain == USER_DOMAIN


def test_the_template_section_prompts_for_what_a_new_stack_must_set() -> None:
    """`pulumi new <repo URL>` asks for the region, the sender and the app's name."""
    template = PROJECT_FILE["template"]
    assert template["description"]
    prompts = template["config"]
    assert set(prompts) == {"aws:region", "senderEmail", "appName"}
    for key, spec in prompts.items():
        assert spec["description"], key
        if key != "aws:region":
            # Project keys are written without the namespace: `pulumi new` adds the new name.
            assert key in PROJECT_FILE["config"], key
    assert "default" not in prompts["senderEmail"], "the sender must be typed, never defaulted"
    assert prompts["appName"]["default"] == PROJECT_FILE["config"]["appName"]["default"]
    assert re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", prompts["aws:region"]["default"])
    readme = (ROOT / "README.md").read_text()
    assert "pulumi new " in readme


BAD_VALUES = [
    ("otpLength", "11", r"otpLength must be an integer from 4 to 10, got 11"),
    ("otpLength", "six", r"otpLength must be an integer from 4 to 10, got 'six'"),
    ("otpTtlSeconds", "10", r"otpTtlSeconds must be an integer from 30 to 900"),
    ("otpMaxAttempts", "0", r"otpMaxAttempts must be an integer from 1 to 10"),
    ("otpMaxCodes", "11", r"otpMaxCodes must be an integer from 1 to 10"),
    (
        "otpResendCooldownSeconds",
        "301",
        r"otpResendCooldownSeconds must be an integer from 0 to 300",
    ),
    ("otpLockThreshold", "2", r"otpLockThreshold must be an integer from 3 to 100, got 2"),
    ("otpLockThreshold", "101", r"otpLockThreshold must be an integer from 3 to 100"),
    (
        "otpLockWindowSeconds",
        "299",
        r"otpLockWindowSeconds must be an integer from 300 to 86400",
    ),
    ("otpLockSeconds", "59", r"otpLockSeconds must be an integer from 60 to 86400"),
    ("otpLockSeconds", "86401", r"otpLockSeconds must be an integer from 60 to 86400"),
    ("otpMaxCodesPerHour", "0", r"otpMaxCodesPerHour must be an integer from 1 to 100"),
    (
        "authSessionValidityMinutes",
        "16",
        r"authSessionValidityMinutes must be an integer from 3 to 15",
    ),
    (
        "authSessionValidityMinutes",
        "2",
        r"authSessionValidityMinutes must be an integer from 3 to 15",
    ),
    ("idTokenValidityMinutes", "2000", r"idTokenValidityMinutes must be an integer from 5 to 1440"),
    (
        "accessTokenValidityMinutes",
        "4",
        r"accessTokenValidityMinutes must be an integer from 5 to 1440",
    ),
    (
        "refreshTokenValidityDays",
        "0",
        r"refreshTokenValidityDays must be an integer from 1 to 3650",
    ),
    ("passwordMinLength", "7", r"passwordMinLength must be an integer from 8 to 99"),
    ("defaultLocale", "fr", r"defaultLocale must be one of en, ja, got 'fr'"),
    ("senderEmail", "not-an-address", r"senderEmail must be an email address"),
    ("senderDomain", "Example..com", r"senderDomain must be a lower-case domain name"),
    ("senderDomain", "other.org", r"senderEmail must be an address of senderDomain other.org"),
    ("natPerAz", "yes", r"natPerAz must be one of true, false, got 'yes'"),
    ("deletionProtection", "1", r"deletionProtection must be one of true, false"),
    (
        "taskCpu",
        "300",
        r"taskCpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384, got '300'",
    ),
    (
        "taskMemory",
        "4096",
        r"taskMemory must be one of 512, 1024, 2048 \(the Fargate sizes for taskCpu 256\)",
    ),
    ("taskMemory", "100", r"taskMemory must be an integer from 512 to 122880"),
    ("desiredCount", "0", r"desiredCount must be an integer from 1 to 100"),
    ("maxCount", "101", r"maxCount must be an integer from 1 to 100"),
    (
        "minCount",
        "2",
        r"desiredCount must be from minCount to maxCount \(minCount 2 <= desiredCount 1",
    ),
    ("maxCount", "0", r"maxCount must be an integer from 1 to 100"),
    ("logRetentionDays", "10", r"logRetentionDays must be one of 1, 3, 5, 7, 14, .*3653, got '10'"),
    ("certificateArn", "my-cert", r"certificateArn must be an ACM certificate ARN"),
    ("replyToEmail", "not-an-address", r"replyToEmail must be an email address, or empty"),
    ("alarmEmail", "ops@", r"alarmEmail must be an email address, or empty"),
    ("image", "two words", r"image must be an image reference without spaces"),
    ("sessionStore", "valkey", r"sessionStore must be one of redis, memory, got 'valkey'"),
    ("sessionCacheMaxGb", "0", r"sessionCacheMaxGb must be an integer from 1 to 5000"),
    ("sessionCacheMaxGb", "5001", r"sessionCacheMaxGb must be an integer from 1 to 5000"),
    (
        "sessionCacheMaxEcpuPerSecond",
        "999",
        r"sessionCacheMaxEcpuPerSecond must be an integer from 1000 to 15000000",
    ),
    ("threatProtection", "on", r"threatProtection must be one of off, audit, enforced, got 'on'"),
    ("domainName", "Login.Example.Org", r"domainName must be a lower-case host name"),
    ("domainName", "app.northwind-traders.io", r"domainName needs certificateArn"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_VALUES)
def test_bad_values_fail_naming_the_key_and_the_range(key: str, value: str, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        load_stack_config(_lookup(config_for("dev", **{key: value})))


def test_fargate_sizes_of_a_larger_cpu_are_described_as_a_range() -> None:
    config = config_for("dev", taskCpu="1024", taskMemory="1024")
    with pytest.raises(
        SettingError, match=r"taskMemory must be from 2048 to 8192 in steps of 1024"
    ):
        load_stack_config(_lookup(config))
    assert (
        load_stack_config(_lookup(config_for("dev", taskCpu="1024", taskMemory="3072"))).task_memory
        == 3072
    )


def test_missing_sender_fails_before_anything_is_created() -> None:
    with pytest.raises(SettingError, match="senderEmail is required"):
        run_program(config_for("dev", senderEmail=None))


def test_a_bad_value_stops_the_program_itself() -> None:
    with pytest.raises(
        SettingError, match=r"authSessionValidityMinutes must be an integer from 3 to 15, got 20"
    ):
        run_program(config_for("dev", authSessionValidityMinutes="20"))


def test_the_code_archive_and_the_dockerfile_exist() -> None:
    functions = ROOT / "functions"
    assert (functions / "__init__.py").is_file()
    for trigger in TRIGGERS:
        module = functions / f"{trigger.module}.py"
        assert module.is_file(), f"missing trigger module {module}"
        assert re.search(r"^def handler\(", module.read_text(), re.MULTILINE), module
        assert trigger.handler == f"functions.{trigger.module}.handler"
    assert (ROOT / "webapp" / "Dockerfile").is_file()


def test_every_key_is_documented_in_the_deploy_guide() -> None:
    table = (Path(ROOT) / "docs" / "deploy.md").read_text()
    assert settings_table_markdown() in table, "regenerate the table from infra.config"
    for setting in STACK_SETTINGS:
        assert f"| `{setting.key}` |" in table, setting.key
    deploy = (Path(ROOT) / "README.md").read_text()
    for topic in (
        "pulumi login",
        "pulumi stack init",
        "pulumi config set",
        "pulumi up",
        "pulumi stack output",
        "sandbox",
        "pulumi destroy",
        "--secret",
        "Docker",
        "per month",
    ):
        assert topic in deploy, topic


def test_main_only_reads_config_builds_components_and_exports() -> None:
    tree = ast.parse((ROOT / "__main__.py").read_text())
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called.add(ast.unparse(node.func))
    aws_calls = {name for name in called if name.startswith("aws.")}
    assert aws_calls == {"aws.get_region_output", "aws.get_caller_identity_output"}, (
        "resources belong in infra/ components"
    )
    assert {
        "Network",
        "Email",
        "Auth",
        "Web",
        "Operations",
        "load_stack_config",
        "pulumi.export",
    } <= called
    defined = {type(node).__name__ for node in tree.body}
    assert "FunctionDef" not in defined
    assert "ClassDef" not in defined
