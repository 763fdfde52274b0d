"""`python -m emulator` writes only its `export` lines to stdout; every log line goes to stderr.

So `eval "$(python -m emulator ...)"`-style tooling never runs a log line as a command. The
product's triggers (functions/) still log their JSON lines to stdout as they do on Lambda; the
emulator process points stdout at stderr around them.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from documented_srp_client import DocumentedSrpClient
from emulator_testkit import PASSWORD, new_email

from tests.standalone_emulator import EXPORT, NAMES, LinePump, launch

QUIET_SECONDS = 1.5


class Running:
    """The process, both of its output streams, and the environment it printed."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        assert process.stderr is not None
        self.process = process
        self.stdout = LinePump(process.stdout)
        self.stderr = LinePump(process.stderr)
        lines = self.stdout.wait_for(EXPORT, len(NAMES), time.monotonic() + 60)
        matches = [EXPORT.match(line.strip()) for line in lines]
        self.env = {m.group(1): m.group(2).strip("'") for m in matches if m}

    def cognito(self) -> Any:
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.env["AWS_ENDPOINT_URL"],
            region_name=self.env["AWS_REGION"],
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )

    def code(self, to: str) -> str:
        query = urllib.parse.urlencode({"to": to})
        url = f"{self.env['AWS_ENDPOINT_URL']}/_emulator/mailbox?{query}"
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local
            messages = json.load(response)
        match = re.search(r"\b(\d{6})\b", messages[-1]["text"] or "")
        assert match, messages[-1]
        return match.group(1)


@pytest.fixture
def running() -> Iterator[Running]:
    process = launch(stderr=subprocess.PIPE)
    try:
        yield Running(process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _whole_sign_in(running: Running) -> None:
    """Sign-up, confirmation, SRP, the emailed code, an Amplify-style refresh, sign-out."""
    cognito = running.cognito()
    client_id, pool_id = running.env["CLIENT_ID"], running.env["USER_POOL_ID"]
    email = new_email()
    cognito.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
    code = running.code(email)
    cognito.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=code)
    srp = DocumentedSrpClient(pool_id, email, PASSWORD)
    first = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=srp.initiate_parameters()
    )
    challenge = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=first["Session"],
        ChallengeResponses=srp.answer(first["ChallengeParameters"]),
    )
    done = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": challenge["ChallengeParameters"]["USERNAME"],
            "ANSWER": running.code(email),
        },
    )
    tokens = done["AuthenticationResult"]
    cognito.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=tokens["RefreshToken"])
    cognito.global_sign_out(AccessToken=tokens["AccessToken"])


def _not_exports(lines: list[str]) -> list[str]:
    return [line for line in lines if not EXPORT.match(line.rstrip("\n"))]


def test_stdout_holds_only_the_export_lines(running: Running) -> None:
    _whole_sign_in(running)
    running.stdout.wait_quiet(QUIET_SECONDS, time.monotonic() + 30)
    assert _not_exports(running.stdout.snapshot()) == []
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=20) == 0
    everything = running.stdout.join(timeout=10)
    assert _not_exports(everything) == []
    assert len(everything) == len(NAMES)
    # The triggers did log, and their JSON lines went to stderr.
    logged = [json.loads(line) for line in running.stderr.join(timeout=10) if line[:1] == "{"]
    assert any(str(entry.get("logger", "")).startswith("functions") for entry in logged)


def test_bash_can_eval_stdout(running: Running) -> None:
    _whole_sign_in(running)
    running.stdout.wait_quiet(QUIET_SECONDS, time.monotonic() + 30)
    script = (
        'set -eu; eval "$(cat)"; printf "%s\\n" "$AWS_ENDPOINT_URL" "$USER_POOL_ID" "$CLIENT_ID"'
    )
    done = subprocess.run(
        ["bash", "-c", script],
        input="".join(running.stdout.snapshot()),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == [
        running.env["AWS_ENDPOINT_URL"],
        running.env["USER_POOL_ID"],
        running.env["CLIENT_ID"],
    ]
