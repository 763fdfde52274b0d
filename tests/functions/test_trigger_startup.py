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


VERIFY_A_REAL_CODE = """
import json, sys, time
from functions.new_codes import new_code_state
from functions.code_state import STATE_PARAMETER, encode_state
import functions.verify_auth_challenge as verify
state = encode_state(new_code_state(
    "{code}", code_number=1, issued_at=int(time.time()), ttl_seconds=60, attempts_allowed=3))
event = {{"request": {{"userAttributes": {{"sub": "s"}}, "challengeAnswer": "{answer}",
         "privateChallengeParameters": {{STATE_PARAMETER: state}}}}}}
print(json.dumps(verify.handler(event, None)["response"]), "boto3" in sys.modules)
"""


def test_verify_loads_boto3_only_to_count_a_wrong_code() -> None:
    table = {"OTP_LIMITS_TABLE": "limits", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    right = run_python(VERIFY_A_REAL_CODE.format(code="123456", answer="123456"), **table)
    assert right.returncode == 0, right.stderr
    assert right.stdout.strip().splitlines()[-1] == '{"answerCorrect": true} False'
    wrong = run_python(VERIFY_A_REAL_CODE.format(code="123456", answer="654321"), **table)
    assert wrong.returncode == 0, wrong.stderr
    assert wrong.stdout.strip().splitlines()[-1] == '{"answerCorrect": false} True'


CREATE_COLD_START = """
import sys, time
started = time.perf_counter()
import functions.create_auth_challenge
from functions import account_store, mailer
ses, table = mailer.SES.current, account_store.DYNAMODB.current
print("boto3" in sys.modules, ses is not None, table is not None)
if ses is not None:
    print(ses.meta.region_name, ses.meta.endpoint_url, table.meta.endpoint_url)
    print(ses.meta.config.connect_timeout, ses.meta.config.read_timeout)
    print(mailer.ses_client() is ses, account_store.dynamodb_client() is table)
"""


def test_create_builds_its_ses_and_dynamodb_clients_at_cold_start() -> None:
    """Lambda always sets AWS_REGION: both clients exist before the first invocation."""
    # An endpoint nothing listens on: building a client must not call it.
    result = run_python(
        CREATE_COLD_START,
        SENDER_EMAIL="no-reply@example.com",
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "True True True"
    assert lines[1] == "us-east-1 http://127.0.0.1:9 http://127.0.0.1:9"
    assert lines[2] == "1 2", "SES fails fast, well inside Cognito's 5 s"
    assert lines[3] == "True True", "the handler reuses the clients built at import"


def test_create_without_a_region_defers_its_clients() -> None:
    """A tool or test importing Create without AWS_REGION still imports it (clients on use)."""
    env = {k: v for k, v in BASE_ENV.items() if k != "AWS_REGION"}
    result = subprocess.run(
        [sys.executable, "-c", CREATE_COLD_START],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "SENDER_EMAIL": "no-reply@example.com"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[0] == "False False False"


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
        "post_confirmation",
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
