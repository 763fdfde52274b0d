"""Auth: the five Cognito trigger Lambdas, the user pool and its app client.

Each trigger has its own role so a bug in one cannot use another's rights: all may write their
own logs, and only Create (the one-time code) and Custom message may send mail, from the
sender's SES identity and nothing else. Cognito may invoke a trigger only for this pool
(a lambda Permission scoped to the pool ARN, which Pulumi, unlike CDK, never adds by itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.utils import formataddr
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from functions.settings import LoginSettings

LAMBDA_RUNTIME = "python3.13"
COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com"
EXPLICIT_AUTH_FLOWS = ("ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
SEND_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")


def trigger_code_archive(code_dir: Path) -> pulumi.AssetArchive:
    """The functions/ package at the archive's root, its Python sources only.

    Only `*.py` files go in, so bytecode caches or editor files on the deploying machine never
    change the archive's hash and cause a Lambda update that changes nothing.
    """
    sources = sorted(code_dir.glob("*.py"))
    return pulumi.AssetArchive(
        {f"functions/{source.name}": pulumi.FileAsset(str(source)) for source in sources}
    )


@dataclass(frozen=True)
class Trigger:
    """One custom-auth trigger: its module in functions/ and its lambda_config field."""

    name: str
    module: str
    lambda_config_field: str
    sends_email: bool

    @property
    def handler(self) -> str:
        return f"functions.{self.module}.handler"


TRIGGERS = (
    Trigger("define-auth-challenge", "define_auth_challenge", "define_auth_challenge", False),
    Trigger("create-auth-challenge", "create_auth_challenge", "create_auth_challenge", True),
    Trigger(
        "verify-auth-challenge",
        "verify_auth_challenge",
        "verify_auth_challenge_response",
        False,
    ),
    Trigger("custom-message", "custom_message", "custom_message", True),
    Trigger("post-authentication", "post_authentication", "post_authentication", False),
)


def assume_role_policy(service: str) -> str:
    """Trust policy that lets one AWS service assume a role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def trigger_policy(log_group_arn: str, sender_identity_arn: str | None, sender: str) -> str:
    """Least-privilege policy of one trigger: its own log group; sending only when given an ARN."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_group_arn}:*"],
        }
    ]
    if sender_identity_arn is not None:
        statements.append(
            {
                # SES v1 and v2 both authorize sending as ses:SendEmail / ses:SendRawEmail on the
                # identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>).
                "Sid": "SendFromSenderIdentityOnly",
                "Effect": "Allow",
                "Action": list(SEND_ACTIONS),
                "Resource": [sender_identity_arn],
                "Condition": {"StringEquals": {"ses:FromAddress": sender}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@dataclass
class AuthArgs:
    """What the login needs from the rest of the stack."""

    login: LoginSettings
    sender_identity_arn: pulumi.Input[str]
    code_dir: Path
    """The functions/ folder; it becomes the package `functions` at the archive's root."""
    log_group_prefix: str
    log_retention_days: int
    deletion_protection: bool
    tags: dict[str, str] = field(default_factory=dict)


class Auth(pulumi.ComponentResource):
    """Trigger Lambdas (roles, log groups, permissions), the user pool and the app client."""

    functions: dict[str, aws.lambda_.Function]
    roles: dict[str, aws.iam.Role]
    log_groups: dict[str, aws.cloudwatch.LogGroup]
    permissions: dict[str, aws.lambda_.Permission]
    user_pool: aws.cognito.UserPool
    client: aws.cognito.UserPoolClient
    log_group_names: pulumi.Output[dict[str, str]]

    def __init__(
        self, name: str, args: AuthArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Auth", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        triggers = args.login.triggers
        pool_settings = args.login.pool
        sender = str(triggers.sender_email)
        code = trigger_code_archive(args.code_dir)
        environment = triggers.to_env()

        self.functions, self.roles, self.log_groups, self.permissions = {}, {}, {}, {}
        for trigger in TRIGGERS:
            rname = f"{name}-{trigger.name}"
            log_group = aws.cloudwatch.LogGroup(
                rname,
                name=f"{args.log_group_prefix}/lambda/{trigger.name}",
                retention_in_days=args.log_retention_days,
                tags=args.tags,
                opts=child,
            )
            role = aws.iam.Role(
                rname,
                assume_role_policy=assume_role_policy("lambda.amazonaws.com"),
                description=f"Cognito {trigger.name} trigger: "
                + ("logs and sending from the sender identity" if trigger.sends_email else "logs"),
                tags=args.tags,
                opts=child,
            )
            identity_arn = args.sender_identity_arn if trigger.sends_email else None
            policy = aws.iam.RolePolicy(
                rname,
                role=role.id,
                policy=pulumi.Output.all(log_group.arn, identity_arn).apply(
                    lambda values: trigger_policy(values[0], values[1], sender)
                ),
                opts=child,
            )
            function = aws.lambda_.Function(
                rname,
                description=f"Cognito {trigger.name} trigger",
                runtime=LAMBDA_RUNTIME,
                handler=trigger.handler,
                code=code,
                role=role.arn,
                architectures=["arm64"],
                memory_size=256,
                timeout=10,
                environment=aws.lambda_.FunctionEnvironmentArgs(variables=environment),
                logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                    log_format="Text", log_group=log_group.name
                ),
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, log_group]),
            )
            self.functions[trigger.name] = function
            self.roles[trigger.name] = role
            self.log_groups[trigger.name] = log_group

        password = pool_settings.password
        self.user_pool = aws.cognito.UserPool(
            f"{name}-pool",
            username_attributes=["email"],
            auto_verified_attributes=["email"],
            username_configuration=aws.cognito.UserPoolUsernameConfigurationArgs(
                case_sensitive=False
            ),
            password_policy=aws.cognito.UserPoolPasswordPolicyArgs(
                minimum_length=password.minimum_length,
                require_lowercase=password.require_lowercase,
                require_uppercase=password.require_uppercase,
                require_numbers=password.require_numbers,
                require_symbols=password.require_symbols,
                temporary_password_validity_days=password.temporary_password_validity_days,
            ),
            account_recovery_setting=aws.cognito.UserPoolAccountRecoverySettingArgs(
                recovery_mechanisms=[
                    aws.cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs(
                        name="verified_email", priority=1
                    )
                ]
            ),
            admin_create_user_config=aws.cognito.UserPoolAdminCreateUserConfigArgs(
                allow_admin_create_user_only=False
            ),
            lambda_config=aws.cognito.UserPoolLambdaConfigArgs(
                define_auth_challenge=self.functions["define-auth-challenge"].arn,
                create_auth_challenge=self.functions["create-auth-challenge"].arn,
                verify_auth_challenge_response=self.functions["verify-auth-challenge"].arn,
                custom_message=self.functions["custom-message"].arn,
                post_authentication=self.functions["post-authentication"].arn,
            ),
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            email_configuration=aws.cognito.UserPoolEmailConfigurationArgs(
                email_sending_account="DEVELOPER",
                source_arn=args.sender_identity_arn,
                from_email_address=formataddr((triggers.app_name, sender)),
            ),
            mfa_configuration="OFF",
            # Custom authentication, triggers, token revocation and PreventUserExistenceErrors
            # are all Lite features; Essentials (the default tier) would only add cost.
            user_pool_tier="LITE",
            tags=args.tags,
            opts=child,
        )
        for trigger in TRIGGERS:
            self.permissions[trigger.name] = aws.lambda_.Permission(
                f"{name}-{trigger.name}-invoke",
                action="lambda:InvokeFunction",
                function=self.functions[trigger.name].name,
                principal=COGNITO_PRINCIPAL,
                source_arn=self.user_pool.arn,
                opts=child,
            )
        self.client = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=list(EXPLICIT_AUTH_FLOWS),
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            auth_session_validity=pool_settings.auth_session_validity_minutes,
            id_token_validity=pool_settings.id_token_validity_minutes,
            access_token_validity=pool_settings.access_token_validity_minutes,
            refresh_token_validity=pool_settings.refresh_token_validity_days,
            token_validity_units=aws.cognito.UserPoolClientTokenValidityUnitsArgs(
                id_token="minutes",  # noqa: S106 - a unit, not a secret
                access_token="minutes",  # noqa: S106
                refresh_token="days",  # noqa: S106
            ),
            supported_identity_providers=["COGNITO"],
            opts=child,
        )
        self.log_group_names = pulumi.Output.all(
            **{t.name: self.log_groups[t.name].name for t in TRIGGERS}
        )
        self.register_outputs(
            {
                "user_pool_id": self.user_pool.id,
                "client_id": self.client.id,
                "log_group_names": self.log_group_names,
            }
        )
