"""Cold start in a fresh interpreter: what gets imported, and how bad settings are reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "AWS_REGION": "us-east-1"}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**BASE_ENV, **env},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "unwanted"),
    [
        # Define only reads counters: no hashing (OpenSSL) and no randomness either.
        ("functions.define_auth_challenge", ["boto3", "botocore", "hashlib", "secrets"]),
        ("functions.verify_auth_challenge", ["boto3", "botocore", "secrets"]),
    ],
)
def test_define_and_verify_never_import_boto3(module: str, unwanted: list[str]) -> None:
    code = (
        f"import sys, {module} as m\n"
        "m.handler({'request': {'session': [], 'privateChallengeParameters': {}}}, None)\n"
        f"print(sorted(set({unwanted!r}) & set(sys.modules)))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_create_imports_boto3_only_when_it_sends() -> None:
    code = (
        "import sys, functions.create_auth_challenge\n"
        "print('BOTO3' if 'boto3' in sys.modules else 'CLEAN')\n"
    )
    result = run_python(code, SENDER_EMAIL="no-reply@example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "CLEAN"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SENDER_EMAIL"),
        ({"SENDER_EMAIL": "not an address"}, "SENDER_EMAIL"),
        ({"SENDER_EMAIL": "no-reply@example.com", "OTP_LENGTH": "3"}, "OTP_LENGTH"),
        ({"SENDER_EMAIL": "no-reply@example.com", "DEFAULT_LOCALE": "fr"}, "DEFAULT_LOCALE"),
    ],
)
def test_create_refuses_bad_settings_at_cold_start(env: dict[str, str], variable: str) -> None:
    result = run_python("import functions.create_auth_challenge", **env)
    assert result.returncode != 0
    assert "SettingError" in result.stderr
    assert variable in result.stderr


@pytest.mark.parametrize(
    ("module", "event", "field"),
    [
        (
            "functions.define_auth_challenge",
            {"request": {"session": [{"challengeName": "SRP_A", "challengeResult": True}]}},
            "failAuthentication",
        ),
        (
            "functions.verify_auth_challenge",
            {"request": {"challengeAnswer": "123456", "privateChallengeParameters": {}}},
            "answerCorrect",
        ),
    ],
)
def test_define_and_verify_fail_closed_on_bad_settings(
    module: str, event: dict[str, object], field: str
) -> None:
    code = f"import json, {module} as m\nprint(json.dumps(m.handler({event!r}, None)['response']))"
    result = run_python(code, OTP_MAX_ATTEMPTS="0")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    response = json.loads(lines[-1])
    expected = {"issueTokens": False, "failAuthentication": True}
    assert response == (expected if field == "failAuthentication" else {"answerCorrect": False})
    logged = [json.loads(line) for line in lines[:-1]]
    assert any(
        r["event"] == "invalid_configuration" and "OTP_MAX_ATTEMPTS" in r["error"] for r in logged
    )


def test_handlers_are_importable_by_their_lambda_names() -> None:
    """The handler strings Pulumi and the emulator use: functions.<module>.handler."""
    names = [
        "define_auth_challenge",
        "create_auth_challenge",
        "verify_auth_challenge",
        "custom_message",
        "post_authentication",
    ]
    code = (
        "import importlib\n"
        f"for n in {names!r}:\n"
        "    assert callable(importlib.import_module('functions.' + n).handler), n\n"
        "print('OK')\n"
    )
    result = run_python(code, SENDER_EMAIL="no-reply@example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK"
