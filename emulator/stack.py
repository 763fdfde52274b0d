"""The local stack: an emulator server plus a user pool and app client built from the settings.

Isolation between several stacks in one process: moto's backends are global per account and
region, so every stack creates its own fresh user pool (pools are independent) and runs its own
HTTP server, engine (sessions, codes, token key), trigger registry, mailbox and clock. Requests a
stack's server receives are answered with that stack's engine; mail sent through a server lands in
that stack's mailbox. Stopping a stack deletes its pool.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from emulator.clock import Clock
from emulator.engine import Engine
from emulator.mailbox import Mailbox
from emulator.product_triggers import product_handlers, release
from emulator.triggers import AwsTarget, Handler, TriggerRegistry
from emulator.wsgi import EmulatorApp
from functions.settings import (
    ATTRIBUTES_VERIFIED_BEFORE_UPDATE,
    CLIENT_AUTH_FLOWS,
    CLIENT_READ_ATTRIBUTES,
    CLIENT_WRITE_ATTRIBUTES,
    LoginSettings,
)

# One limits table per emulator process: moto's DynamoDB is global, and the items are keyed by
# each user's sub, which no two pools share.
LIMITS_TABLE = "otp-account-limits-local"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"  # noqa: S105 - a dummy credential the emulator accepts
DEFAULT_REGION = "us-east-1"

_FUNCTION_NAMES = {
    "DefineAuthChallenge": "define-auth-challenge",
    "CreateAuthChallenge": "create-auth-challenge",
    "VerifyAuthChallengeResponse": "verify-auth-challenge",
    "CustomMessage": "custom-message",
    "PostAuthentication": "post-authentication",
    "PreAuthentication": "pre-authentication",
    "PostConfirmation": "post-confirmation",
}


@dataclass(frozen=True)
class AppClient:
    client_id: str
    client_secret: str | None


class _QuietHandler:
    """Werkzeug request handler without the access log (bodies are never logged anyway)."""

    @staticmethod
    def make() -> type:
        from moto.moto_server.werkzeug_app import MotoRequestHandler

        class Quiet(MotoRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        return Quiet


class LocalStack:
    """A running emulator with one pool and app client; use `stop()` or `with`."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        settings: LoginSettings,
        region: str,
        triggers: Mapping[str, Handler] | None,
        prevent_user_existence_errors: str,
        generate_secret: bool,
        explicit_auth_flows: list[str] | None,
    ) -> None:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.settings = settings
        self.region = region
        self.account_id = DEFAULT_ACCOUNT_ID
        self.clock = Clock()
        self.mailbox = Mailbox()
        self.registry = TriggerRegistry()
        self.engine = Engine(
            account_id=self.account_id,
            region=region,
            clock=self.clock,
            mailbox=self.mailbox,
            registry=self.registry,
        )
        app = EmulatorApp(self.engine, DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_QuietHandler.make()
        )
        bound_port = int(self._server.server_address[1])
        self.endpoint_url = f"http://{host}:{bound_port}"
        self.engine.endpoint_url = self.endpoint_url
        self.registry.target = AwsTarget(self.endpoint_url, region, ACCESS_KEY, SECRET_KEY)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # so that stop() returns promptly
            name="cognito-emulator",
            daemon=True,
        )
        self._stopped = False
        self._uses_product_handlers = False
        self._thread.start()
        try:
            self._verify_sender()
            self._ensure_limits_table()
            lambda_config = self._wire_triggers(triggers)
            self.user_pool_id = self._create_pool(lambda_config)
            self._pool = self.backend.user_pools[self.user_pool_id]
            self.engine.keepers.append(self._keep_pool_and_sender)
            client = self.create_client(
                name="local-web",
                generate_secret=generate_secret,
                explicit_auth_flows=explicit_auth_flows,
                prevent_user_existence_errors=prevent_user_existence_errors,
            )
        except BaseException:
            self.stop()
            raise
        self.client_id: str = client.client_id
        self.client_secret: str | None = client.client_secret

    # --- set-up -------------------------------------------------------------------------------

    @property
    def backend(self) -> Any:
        return self.engine.backend

    def _verify_sender(self) -> None:
        from moto.ses.models import ses_backends

        sender = self.settings.triggers.sender_email
        if sender:
            ses_backends[self.account_id][self.region].verify_email_identity(sender)

    def _ensure_limits_table(self) -> None:
        """The per-account limits table, shaped like infra's: key `pk`, TTL on `expires_at`."""
        from moto.dynamodb.models import dynamodb_backends

        backend = dynamodb_backends[self.account_id][self.region]
        if LIMITS_TABLE in backend.tables:
            return
        backend.create_table(
            LIMITS_TABLE,
            schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            throughput=None,
            attr=[{"AttributeName": "pk", "AttributeType": "S"}],
            global_indexes=None,
            indexes=None,
            streams=None,
            billing_mode="PAY_PER_REQUEST",
            sse_specification={"Enabled": True},
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        backend.update_time_to_live(LIMITS_TABLE, {"AttributeName": "expires_at", "Enabled": True})

    def _keep_pool_and_sender(self) -> None:
        """moto's global reset (each `mock_aws` start in the same process) empties every backend;
        put this stack's pool, verified sender and limits table back so a long-lived stack
        survives it."""
        if self.user_pool_id not in self.backend.user_pools:
            self.backend.user_pools[self.user_pool_id] = self._pool
            self._verify_sender()
        self._ensure_limits_table()

    def trigger_arn(self, trigger: str) -> str:
        name = _FUNCTION_NAMES.get(trigger, trigger.lower())
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"

    def _wire_triggers(self, triggers: Mapping[str, Handler] | None) -> dict[str, str]:
        if triggers is None:
            triggers = product_handlers(
                self.settings.triggers,
                self.endpoint_url,
                now=self.clock.now,
                limits_table=LIMITS_TABLE,
            )
            self._uses_product_handlers = True
        config: dict[str, str] = {}
        for key, handler in triggers.items():
            arn = self.trigger_arn(key)
            self.registry.register(arn, handler)
            config[key] = arn
        return config

    def _create_pool(self, lambda_config: dict[str, str]) -> str:
        policy = self.settings.pool.password
        extended: dict[str, Any] = {
            "UsernameAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "UsernameConfiguration": {"CaseSensitive": False},
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": policy.minimum_length,
                    "RequireUppercase": policy.require_uppercase,
                    "RequireLowercase": policy.require_lowercase,
                    "RequireNumbers": policy.require_numbers,
                    "RequireSymbols": policy.require_symbols,
                    "TemporaryPasswordValidityDays": policy.temporary_password_validity_days,
                }
            },
            "LambdaConfig": lambda_config,
            "UserAttributeUpdateSettings": {
                "AttributesRequireVerificationBeforeUpdate": list(ATTRIBUTES_VERIFIED_BEFORE_UPDATE)
            },
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
            },
        }
        sender = self.settings.triggers.sender_email
        if sender:
            extended["EmailConfiguration"] = {
                "EmailSendingAccount": "DEVELOPER",
                "From": sender,
                "SourceArn": f"arn:aws:ses:{self.region}:{self.account_id}:identity/{sender}",
            }
        name = f"{self.settings.triggers.app_name}-{uuid.uuid4().hex[:8]}"
        pool = self.backend.create_user_pool(name, extended)
        return str(pool.id)

    # --- public API ---------------------------------------------------------------------------

    def create_client(
        self,
        name: str = "extra",
        *,
        generate_secret: bool = False,
        explicit_auth_flows: list[str] | None = None,
        prevent_user_existence_errors: str = "ENABLED",
        auth_session_validity_minutes: int | None = None,
        enable_token_revocation: bool = True,
        read_attributes: list[str] | None = None,
        write_attributes: list[str] | None = None,
    ) -> AppClient:
        """Add an app client to the stack's pool, configured like the deployed one by default."""
        pool_settings = self.settings.pool
        config: dict[str, Any] = {
            "ClientName": name,
            "ExplicitAuthFlows": list(explicit_auth_flows or CLIENT_AUTH_FLOWS),
            "ReadAttributes": list(read_attributes or CLIENT_READ_ATTRIBUTES),
            "WriteAttributes": list(write_attributes or CLIENT_WRITE_ATTRIBUTES),
            "PreventUserExistenceErrors": prevent_user_existence_errors,
            "AuthSessionValidity": auth_session_validity_minutes
            or pool_settings.auth_session_validity_minutes,
            "EnableTokenRevocation": enable_token_revocation,
            "AccessTokenValidity": pool_settings.access_token_validity_minutes,
            "IdTokenValidity": pool_settings.id_token_validity_minutes,
            "RefreshTokenValidity": pool_settings.refresh_token_validity_days,
            "TokenValidityUnits": {
                "AccessToken": "minutes",
                "IdToken": "minutes",
                "RefreshToken": "days",
            },
        }
        client = self.backend.create_user_pool_client(self.user_pool_id, generate_secret, config)
        return AppClient(str(client.id), str(client.secret) if generate_secret else None)

    def env(self) -> dict[str, str]:
        """What another process needs to use this emulator (boto3, the AWS CLI, a web app)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_REGION": self.region,
            # botocore 1.x (boto3, AWS CLI v1) reads only AWS_DEFAULT_REGION, not AWS_REGION.
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "USER_POOL_ID": self.user_pool_id,
            "CLIENT_ID": self.client_id,
        }

    def boto3_client(self, service: str = "cognito-idp") -> Any:
        """A boto3 client bound to this emulator (convenience for tests and scripts)."""
        import boto3  # type: ignore[import-untyped]

        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def stop(self) -> None:
        """Stop the server and drop the pool; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        if self._uses_product_handlers:
            release()
        pool_id = getattr(self, "user_pool_id", None)
        if pool_id:
            self.backend.user_pools.pop(pool_id, None)

    def __enter__(self) -> LocalStack:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_local_stack(
    port: int = 0,
    settings: LoginSettings | None = None,
    host: str = "127.0.0.1",
    *,
    region: str = DEFAULT_REGION,
    triggers: Mapping[str, Handler] | None = None,
    prevent_user_existence_errors: str = "ENABLED",
    generate_secret: bool = False,
    explicit_auth_flows: list[str] | None = None,
) -> LocalStack:
    """Start an emulator and create a pool + client from `settings` (LoginSettings.local()).

    `triggers` maps LambdaConfig keys to Python handlers; None wires the product's functions/.
    """
    return LocalStack(
        host=host,
        port=port,
        settings=settings or LoginSettings.local(),
        region=region,
        triggers=triggers,
        prevent_user_existence_errors=prevent_user_existence_errors,
        generate_secret=generate_secret,
        explicit_auth_flows=explicit_auth_flows,
    )
