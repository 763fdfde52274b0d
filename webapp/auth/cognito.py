"""A thin wrapper over the public (unauthenticated) Cognito user-pool API.

Its only jobs: shape each request (SECRET_HASH when the client has a secret, ClientMetadata with
the locale so the triggers and the CustomMessage emails speak the user's language) and turn every
botocore failure into an `AuthError` whose kind the UI can explain. Requests are sent unsigned:
these operations need no AWS credentials, so the web tier never sends its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import boto3  # type: ignore[import-untyped]
from botocore import UNSIGNED  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
)

from functions.settings import SUPPORTED_LOCALES
from webapp.auth.errors import AuthError, AuthErrorKind, Operation, classify

Response = dict[str, Any]
T = TypeVar("T")

# Short timeouts and few retries: a person is waiting, and SRP's proof must arrive within seconds.
_BOTO_CONFIG = Config(
    signature_version=UNSIGNED,
    connect_timeout=5,
    read_timeout=10,
    retries={"max_attempts": 2, "mode": "standard"},
)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id))."""
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _metadata(locale: str) -> dict[str, str]:
    """ClientMetadata for the triggers; an unsupported locale is left out so they fall back to
    the user's profile or DEFAULT_LOCALE instead of guessing."""
    return {"locale": locale} if locale in SUPPORTED_LOCALES else {}


class CognitoGateway:
    """The Cognito calls the login makes, for one user pool and app client."""

    def __init__(
        self,
        *,
        region: str,
        user_pool_id: str,
        client_id: str,
        client_secret: str | None = None,
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        self.region = region
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.endpoint_url = endpoint_url
        self._client = client or boto3.client(
            "cognito-idp", region_name=region, endpoint_url=endpoint_url, config=_BOTO_CONFIG
        )

    def __repr__(self) -> str:
        return f"CognitoGateway(user_pool_id={self.user_pool_id!r}, client_id={self.client_id!r})"

    # --- helpers -------------------------------------------------------------------------

    def _with_secret(self, username: str, params: dict[str, str]) -> dict[str, str]:
        if self._client_secret:
            params["SECRET_HASH"] = secret_hash(username, self.client_id, self._client_secret)
        return params

    def _call(self, operation: Operation, call: Callable[[], T]) -> T:
        """Run one request, translating every failure into an AuthError without its details."""
        try:
            return call()
        except ClientError as error:
            info = error.response.get("Error", {})
            code, message = str(info.get("Code", "")), str(info.get("Message", ""))
            raise AuthError(classify(code, message, operation), operation, code) from None
        except (ConnectionError, HTTPClientError) as error:
            raise AuthError(AuthErrorKind.NETWORK, operation, type(error).__name__) from None
        except BotoCoreError as error:
            raise AuthError(AuthErrorKind.SERVICE, operation, type(error).__name__) from None

    def _user_request(self, email: str, **fields: Any) -> dict[str, Any]:
        """Parameters every per-user call shares: client, username, and the secret hash if any."""
        request: dict[str, Any] = {"ClientId": self.client_id, "Username": email, **fields}
        if self._client_secret:
            request["SecretHash"] = secret_hash(email, self.client_id, self._client_secret)
        return request

    # --- sign-up -------------------------------------------------------------------------

    def sign_up(self, email: str, password: str, locale: str) -> Response:
        """Register an account; Cognito emails a confirmation code.

        The email goes only as the Username: the pool's username attribute is the email, so
        Cognito stores it from there, and the app client may not write `email` (an access token
        must not be able to move the one-time codes to another address). Sending it as an
        attribute too would be refused ("A client attempted to write unauthorized attribute").
        """
        fields: dict[str, Any] = {"Password": password, "ClientMetadata": _metadata(locale)}
        if locale in SUPPORTED_LOCALES:  # the triggers' fallback when a call carries no locale
            fields["UserAttributes"] = [{"Name": "locale", "Value": locale}]
        kwargs = self._user_request(email, **fields)
        return self._call(Operation.SIGN_UP, lambda: self._client.sign_up(**kwargs))

    def confirm_sign_up(self, email: str, code: str, locale: str = "en") -> Response:
        kwargs = self._user_request(
            email,
            ConfirmationCode=code,
            ClientMetadata=_metadata(locale),
        )
        return self._call(Operation.CONFIRM_SIGN_UP, lambda: self._client.confirm_sign_up(**kwargs))

    def resend_confirmation_code(self, email: str, locale: str) -> Response:
        kwargs = self._user_request(
            email,
            ClientMetadata=_metadata(locale),
        )
        return self._call(
            Operation.RESEND_CONFIRMATION_CODE,
            lambda: self._client.resend_confirmation_code(**kwargs),
        )

    # --- sign-in: SRP inside CUSTOM_AUTH, then the emailed code ----------------------------

    def initiate_custom_auth_srp(self, username: str, srp_a_hex: str) -> Response:
        """Step 1: CUSTOM_AUTH with CHALLENGE_NAME=SRP_A, answered by PASSWORD_VERIFIER."""
        params = self._with_secret(
            username, {"USERNAME": username, "SRP_A": srp_a_hex, "CHALLENGE_NAME": "SRP_A"}
        )
        return self._call(
            Operation.INITIATE_AUTH,
            lambda: self._client.initiate_auth(
                AuthFlow="CUSTOM_AUTH", AuthParameters=params, ClientId=self.client_id
            ),
        )

    def respond_password_verifier(
        self, session: str | None, responses: Mapping[str, str], locale: str
    ) -> Response:
        """Step 2: the SRP proof; on success Cognito answers with the CUSTOM_CHALLENGE."""
        answer = self._with_secret(responses["USERNAME"], dict(responses))
        kwargs: dict[str, Any] = {
            "ClientId": self.client_id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": answer,
            "ClientMetadata": _metadata(locale),
        }
        if session:
            kwargs["Session"] = session
        return self._call(
            Operation.PASSWORD_VERIFIER,
            lambda: self._client.respond_to_auth_challenge(**kwargs),
        )

    def respond_custom_challenge(
        self,
        session: str,
        username: str,
        answer: str,
        client_metadata: Mapping[str, str],
    ) -> Response:
        """Step 3: the emailed code (or "resend"); the metadata reaches the triggers."""
        responses = self._with_secret(username, {"USERNAME": username, "ANSWER": answer})
        return self._call(
            Operation.CUSTOM_CHALLENGE,
            lambda: self._client.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="CUSTOM_CHALLENGE",
                Session=session,
                ChallengeResponses=responses,
                ClientMetadata={
                    key: value
                    for key, value in client_metadata.items()
                    if key != "locale" or value in SUPPORTED_LOCALES
                },
            ),
        )

    # --- forgotten password ---------------------------------------------------------------

    def forgot_password(self, email: str, locale: str) -> Response:
        kwargs = self._user_request(
            email,
            ClientMetadata=_metadata(locale),
        )
        return self._call(Operation.FORGOT_PASSWORD, lambda: self._client.forgot_password(**kwargs))

    def confirm_forgot_password(
        self, email: str, code: str, new_password: str, locale: str = "en"
    ) -> Response:
        kwargs = self._user_request(
            email,
            ConfirmationCode=code,
            Password=new_password,
            ClientMetadata=_metadata(locale),
        )
        return self._call(
            Operation.CONFIRM_FORGOT_PASSWORD,
            lambda: self._client.confirm_forgot_password(**kwargs),
        )

    # --- tokens -----------------------------------------------------------------------------

    def refresh(self, refresh_token: str, username: str | None = None) -> Response:
        """New ID and access tokens; SECRET_HASH needs the internal username (the token's sub)."""
        params = {"REFRESH_TOKEN": refresh_token}
        if username:
            params = self._with_secret(username, params)
        return self._call(
            Operation.REFRESH,
            lambda: self._client.initiate_auth(
                AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params, ClientId=self.client_id
            ),
        )

    def revoke(self, refresh_token: str) -> Response:
        """Revoke the refresh token and the tokens it issued (the pool enables revocation)."""
        kwargs: dict[str, Any] = {"Token": refresh_token, "ClientId": self.client_id}
        if self._client_secret:
            kwargs["ClientSecret"] = self._client_secret
        return self._call(Operation.REVOKE_TOKEN, lambda: self._client.revoke_token(**kwargs))

    def global_sign_out(self, access_token: str) -> Response:
        return self._call(
            Operation.GLOBAL_SIGN_OUT,
            lambda: self._client.global_sign_out(AccessToken=access_token),
        )

    # --- the signed-in user's own account (calls made with the access token) ---------------

    def change_password(self, access_token: str, previous: str, proposed: str) -> Response:
        return self._call(
            Operation.CHANGE_PASSWORD,
            lambda: self._client.change_password(
                AccessToken=access_token, PreviousPassword=previous, ProposedPassword=proposed
            ),
        )

    def delete_user(self, access_token: str) -> Response:
        return self._call(
            Operation.DELETE_USER, lambda: self._client.delete_user(AccessToken=access_token)
        )
