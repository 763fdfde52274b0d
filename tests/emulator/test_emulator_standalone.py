"""`python -m emulator` as a separate process: the AWS CLI and a client written from AWS's docs.

Both talk to the standalone emulator only through its printed environment and HTTP, and it runs
the product's real triggers (functions/), so this is the whole login as an outside client sees it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
from documented_srp_client import DocumentedSrpClient
from emulator_testkit import PASSWORD, new_email

from functions.settings import CLIENT_AUTH_FLOWS
from tests.standalone_emulator import launch, read_exports, standalone_emulator

ROOT = Path(__file__).resolve().parents[2]
AWS_CLI = Path(sys.executable).with_name("aws")


class Standalone:
    def __init__(self, process: subprocess.Popen[str], env: dict[str, str]) -> None:
        self.process = process
        self.env = env

    def mailbox(self, to: str) -> list[dict[str, Any]]:
        url = f"{self.env['AWS_ENDPOINT_URL']}/_emulator/mailbox?to={to}"
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local
            return list(json.load(response))

    def code(self, to: str) -> str:
        messages = self.mailbox(to)
        assert messages, f"no email for {to}"
        match = re.search(r"\b(\d{6})\b", messages[-1]["text"] or "")
        assert match, messages[-1]
        return match.group(1)

    def client(self) -> Any:
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.env["AWS_ENDPOINT_URL"],
            region_name=self.env["AWS_REGION"],
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )


@pytest.fixture(scope="module")
def standalone() -> Iterator[Standalone]:
    with standalone_emulator() as (process, exports):
        yield Standalone(process, exports)


def _aws(standalone: Standalone, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(standalone.env)  # exactly what the emulator printed, nothing added
    done = subprocess.run(
        [str(AWS_CLI), "cognito-idp", *args, "--endpoint-url", standalone.env["AWS_ENDPOINT_URL"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout)) if done.stdout.strip() else {}


def test_exports_describe_a_usable_pool(standalone: Standalone) -> None:
    assert standalone.env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    described = standalone.client().describe_user_pool_client(
        UserPoolId=standalone.env["USER_POOL_ID"], ClientId=standalone.env["CLIENT_ID"]
    )["UserPoolClient"]
    assert set(described["ExplicitAuthFlows"]) == set(CLIENT_AUTH_FLOWS)
    assert described["PreventUserExistenceErrors"] == "ENABLED"


def test_aws_cli_signs_up_and_starts_a_custom_sign_in(standalone: Standalone) -> None:
    email = new_email()
    client_id = standalone.env["CLIENT_ID"]
    signed = _aws(
        standalone, "sign-up", "--client-id", client_id, "--username", email, "--password", PASSWORD
    )
    assert signed["UserConfirmed"] is False
    _aws(
        standalone,
        "confirm-sign-up",
        "--client-id",
        client_id,
        "--username",
        email,
        "--confirmation-code",
        standalone.code(email),
    )
    srp = DocumentedSrpClient(standalone.env["USER_POOL_ID"], email, PASSWORD)
    params = srp.initiate_parameters()
    started = _aws(
        standalone,
        "initiate-auth",
        "--auth-flow",
        "CUSTOM_AUTH",
        "--client-id",
        client_id,
        "--auth-parameters",
        ",".join(f"{k}={v}" for k, v in params.items()),
    )
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert set(started["ChallengeParameters"]) >= {"SALT", "SRP_B", "SECRET_BLOCK"}
    # ... and the documented client finishes what the CLI started.
    proven = standalone.client().respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=started["Session"],
        ChallengeResponses=srp.answer(started["ChallengeParameters"]),
    )
    assert proven["ChallengeName"] == "CUSTOM_CHALLENGE"


def test_documented_client_completes_the_sign_in(standalone: Standalone) -> None:
    cognito = standalone.client()
    client_id = standalone.env["CLIENT_ID"]
    pool_id = standalone.env["USER_POOL_ID"]
    email = new_email()
    cognito.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
    cognito.confirm_sign_up(
        ClientId=client_id, Username=email, ConfirmationCode=standalone.code(email)
    )

    wrong = DocumentedSrpClient(pool_id, email, "Not-The-Password-1")
    first = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=wrong.initiate_parameters()
    )
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=first["Session"],
            ChallengeResponses=wrong.answer(first["ChallengeParameters"]),
        )

    srp = DocumentedSrpClient(pool_id, email, PASSWORD)
    first = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=srp.initiate_parameters()
    )
    challenge = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=first["Session"],
        ChallengeResponses=srp.answer(first["ChallengeParameters"]),
        ClientMetadata={"locale": "en"},
    )
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    done = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": challenge["ChallengeParameters"]["USERNAME"],
            "ANSWER": standalone.code(email),
        },
    )
    id_token = done["AuthenticationResult"]["IdToken"]
    jwks_url = f"{standalone.env['AWS_ENDPOINT_URL']}/{pool_id}/.well-known/jwks.json"
    key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token,
        key.key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=f"{standalone.env['AWS_ENDPOINT_URL']}/{pool_id}",
    )
    assert claims["email"] == email


def test_ctrl_c_stops_cleanly() -> None:
    process = launch()
    try:
        read_exports(process, time.monotonic() + 60)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
