"""Test support for the emulator contract suite: small spec-conforming triggers and clients.

The triggers follow cognito-custom-auth.md (SRP first, then one emailed code, three tries), send
their mail with a boto3 SES v2 client created WITHOUT an endpoint (as the product's handlers do),
and record every event they receive so tests can compare them with the specification.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from emulator import LocalStack

PASSWORD = "Correct-Horse-42x"
MAX_TRIES = 3


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def error_of(exc: ClientError) -> tuple[str, str]:
    err = exc.response["Error"]
    return err["Code"], err["Message"]


@dataclass
class SpecTriggers:
    """Define / Create / Verify written from the spec, with switches to misbehave."""

    sender: str = "no-reply@example.com"
    events: list[dict[str, Any]] = field(default_factory=list)
    fail_create_with: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handlers(self) -> dict[str, Any]:
        return {
            "DefineAuthChallenge": self.define,
            "CreateAuthChallenge": self.create,
            "VerifyAuthChallengeResponse": self.verify,
        }

    def _record(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(copy.deepcopy(event))

    def define(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self._record(event)
        session = event["request"]["session"]
        response = event["response"]
        last = session[-1] if session else None
        customs = [s for s in session if s["challengeName"] == "CUSTOM_CHALLENGE"]
        password_ok = any(
            s["challengeName"] == "PASSWORD_VERIFIER" and s["challengeResult"] for s in session
        )
        if not session or (last and last["challengeName"] == "SRP_A"):
            response.update(
                challengeName="PASSWORD_VERIFIER", issueTokens=False, failAuthentication=False
            )
        elif last and last["challengeName"] == "PASSWORD_VERIFIER" and last["challengeResult"]:
            response.update(
                challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False
            )
        elif last and last["challengeName"] == "CUSTOM_CHALLENGE" and last["challengeResult"]:
            response.update(issueTokens=password_ok, failAuthentication=not password_ok)
        elif last and last["challengeName"] == "CUSTOM_CHALLENGE" and len(customs) < MAX_TRIES:
            response.update(
                challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False
            )
        else:
            response.update(issueTokens=False, failAuthentication=True)
        return event

    def create(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self._record(event)
        if self.fail_create_with:
            raise RuntimeError(self.fail_create_with)
        request = event["request"]
        session = request["session"]
        metadata = request.get("clientMetadata") or {}
        previous = session[-1].get("challengeMetadata") if session else None
        resend = metadata.get("resend") == "true"
        if previous and previous.startswith("CODE-") and not resend:
            code = previous.removeprefix("CODE-")
        else:
            code = f"{secrets.randbelow(10**6):06d}"
            if not request.get("userNotFound"):
                boto3.client("sesv2").send_email(
                    FromEmailAddress=self.sender,
                    Destination={"ToAddresses": [request["userAttributes"]["email"]]},
                    Content={
                        "Simple": {
                            "Subject": {"Data": "Your sign-in code"},
                            "Body": {"Text": {"Data": f"Your code is {code}"}},
                        }
                    },
                )
        event["response"]["publicChallengeParameters"] = {"resent": str(resend).lower()}
        event["response"]["privateChallengeParameters"] = {"code": code}
        event["response"]["challengeMetadata"] = f"CODE-{code}"
        return event

    def verify(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self._record(event)
        expected = event["request"]["privateChallengeParameters"]["code"]
        answer = event["request"]["challengeAnswer"]
        event["response"]["answerCorrect"] = secrets.compare_digest(expected, answer)
        return event


def cognito(stack: LocalStack) -> Any:
    return stack.boto3_client("cognito-idp")


def latest_code(stack: LocalStack, address: str) -> str:
    """The last 6-digit code emailed to an address (read from the mailbox API)."""
    messages = stack.mailbox.messages(address)
    assert messages, f"no email for {address}"
    match = re.search(r"\b(\d{6})\b", messages[-1]["text"] or "")
    assert match, messages[-1]
    return match.group(1)


def confirmed_user(
    stack: LocalStack, email: str | None = None, password: str = PASSWORD, client_id: str = ""
) -> str:
    """Sign up and confirm through the public API, with the code from the mailbox."""
    email = email or new_email()
    client = cognito(stack)
    cid = client_id or stack.client_id
    client.sign_up(ClientId=cid, Username=email, Password=password)
    client.confirm_sign_up(ClientId=cid, Username=email, ConfirmationCode=latest_code(stack, email))
    return email


def srp_helper(stack: LocalStack, email: str, password: str = PASSWORD, **kwargs: Any) -> AWSSRP:
    return AWSSRP(
        username=email,
        password=password,
        pool_id=stack.user_pool_id,
        client_id=kwargs.pop("client_id", stack.client_id),
        client=cognito(stack),
        **kwargs,
    )


def start_custom_auth(
    stack: LocalStack, email: str, password: str = PASSWORD, *, with_challenge_name: bool = True
) -> tuple[AWSSRP, dict[str, Any], dict[str, str]]:
    """InitiateAuth CUSTOM_AUTH with SRP_A (new or older client shape)."""
    srp = srp_helper(stack, email, password)
    params = srp.get_auth_params()
    if with_challenge_name:
        params["CHALLENGE_NAME"] = "SRP_A"
    response = cognito(stack).initiate_auth(
        ClientId=stack.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params
    )
    return srp, response, params


def prove_password(
    stack: LocalStack,
    email: str,
    password: str = PASSWORD,
    *,
    metadata: dict[str, str] | None = None,
    with_challenge_name: bool = True,
) -> dict[str, Any]:
    """Steps 1 and 2 of the sign-in: returns the CUSTOM_CHALLENGE response."""
    srp, first, params = start_custom_auth(
        stack, email, password, with_challenge_name=with_challenge_name
    )
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    answers = srp.process_challenge(first["ChallengeParameters"], params)
    extra = {"ClientMetadata": metadata} if metadata else {}
    return dict(
        cognito(stack).respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=first["Session"],
            ChallengeResponses=answers,
            **extra,
        )
    )


def answer_code(
    stack: LocalStack, challenge: dict[str, Any], code: str, metadata: dict[str, str] | None = None
) -> dict[str, Any]:
    extra = {"ClientMetadata": metadata} if metadata else {}
    return dict(
        cognito(stack).respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": challenge["ChallengeParameters"]["USERNAME"],
                "ANSWER": code,
            },
            **extra,
        )
    )


def signed_in(stack: LocalStack, email: str | None = None) -> tuple[str, dict[str, Any]]:
    """A confirmed user's complete sign-in (SRP, then the emailed code): (email, tokens)."""
    email = confirmed_user(stack, email)
    challenge = prove_password(stack, email)
    done = answer_code(stack, challenge, latest_code(stack, email))
    return email, dict(done["AuthenticationResult"])
