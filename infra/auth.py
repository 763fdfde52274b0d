"""Auth: the six Cognito trigger Lambdas, the per-account limits table, the pool and its client.

Each trigger has its own role so a bug in one cannot use another's rights: all may write their
own logs; only Create (the one-time code) and Verify (the one warning when an account's codes
get locked) may send mail, with the sender's address as From and nothing else; only the four that
count codes per account (Create, Verify, Post authentication, Post confirmation) may read and
write items of the limits table, and nothing else in DynamoDB. Custom message only rewrites the
text of Cognito's own emails, which Cognito sends itself. Cognito may invoke a trigger only for
this pool (a lambda Permission scoped to the pool ARN, which Pulumi, unlike CDK, never adds).
Every role trusts its service only on behalf of this account (aws:SourceAccount), and each
invoke permission names the pool's account as well as its ARN.

Threat protection (`threatProtection`) is off by default: it needs the Plus tier, billed for every
monthly active user. `audit` scores sign-ins and publishes metrics without acting; `enforced`
blocks risky sign-ins and known-compromised passwords. Both cover the custom authentication this
login uses (the `advanced_security_additional_flows` custom-auth mode), not only Cognito's own
password flows.

In the SES sandbox, SES authorizes a send against the sender's identity AND each verified
recipient's identity, so the send right names every identity of the account and region
(`identity/*`) and is pinned by `ses:FromAddress` to the sender: mail can only ever come from it.

The app client allows only the flows this login uses, CUSTOM_AUTH and REFRESH_TOKEN_AUTH: every
other sign-in flow skips the custom-auth triggers, so the password alone would return tokens.
It reads and writes only the attributes the app uses (never `email`, where the codes go), and
the pool lets a new email address take effect only once it is verified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.utils import formataddr
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from functions.mailer import REPLY_TO_ENV
from functions.settings import (
    ATTRIBUTES_VERIFIED_BEFORE_UPDATE,
    CLIENT_AUTH_FLOWS,
    CLIENT_READ_ATTRIBUTES,
    CLIENT_WRITE_ATTRIBUTES,
    LIMITS_TABLE_ENV,
    LoginSettings,
)
from infra.config import ThreatProtection
from infra.groups import Groups, groups_from_lookup
from infra.limits import limits_statement, limits_table

LAMBDA_RUNTIME = "python3.13"
COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com"
SEND_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")

# Lambda gives CPU in proportion to memory, one vCPU at 1,769 MB. Importing boto3 and building a
# client costs about 0.3 s of CPU (Create's first send 0.39 s, field notes), and Create now builds
# an SES and a DynamoDB client: about 2 to 3 s at 256 MB, while the user waits and Cognito gives a
# trigger 5 s in all. At 1,024 MB (0.58 vCPU) the same cold start takes about 0.5 to 0.8 s. The
# price per request barely moves: CPU-bound time shrinks as fast as the GB-seconds price grows,
# only the few milliseconds of network waits cost more. So the triggers that load boto3 get
# BOTO3_MEMORY_MB; Define and Custom message never import it and stay small.
LIGHT_MEMORY_MB = 256
BOTO3_MEMORY_MB = 1024
COGNITO_TIMEOUT_SECONDS = 5
"""Cognito waits 5 s for a trigger, then retries or fails: a run past that is wasted (or mails a
duplicate code), so the Lambda timeout is the same and the duration alarm fires before it."""


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
    """One Cognito trigger: its module in functions/, its lambda_config field and its needs."""

    name: str
    module: str
    lambda_config_field: str
    sends_email: bool
    """May send from the sender's SES identity."""
    uses_limits_table: bool
    """May read and write items of the per-account limits table."""
    memory_mb: int

    @property
    def handler(self) -> str:
        return f"functions.{self.module}.handler"


TRIGGERS = (
    Trigger(
        "define-auth-challenge",
        "define_auth_challenge",
        "define_auth_challenge",
        sends_email=False,
        uses_limits_table=False,
        memory_mb=LIGHT_MEMORY_MB,
    ),
    Trigger(
        "create-auth-challenge",
        "create_auth_challenge",
        "create_auth_challenge",
        sends_email=True,
        uses_limits_table=True,
        memory_mb=BOTO3_MEMORY_MB,
    ),
    Trigger(
        "verify-auth-challenge",
        "verify_auth_challenge",
        "verify_auth_challenge_response",
        sends_email=True,
        uses_limits_table=True,
        memory_mb=BOTO3_MEMORY_MB,
    ),
    Trigger(
        "custom-message",
        "custom_message",
        "custom_message",
        sends_email=False,
        uses_limits_table=False,
        memory_mb=LIGHT_MEMORY_MB,
    ),
    Trigger(
        "post-authentication",
        "post_authentication",
        "post_authentication",
        sends_email=False,
        uses_limits_table=True,
        memory_mb=BOTO3_MEMORY_MB,
    ),
    Trigger(
        # Lifts an account's code lock once its password reset is complete.
        "post-confirmation",
        "post_confirmation",
        "post_confirmation",
        sends_email=False,
        uses_limits_table=True,
        memory_mb=BOTO3_MEMORY_MB,
    ),
)


def role_description(trigger: Trigger) -> str:
    """What the trigger's role allows, in words (shown in the IAM console)."""
    rights = ["logs"]
    if trigger.uses_limits_table:
        rights.append("the account limits table")
    if trigger.sends_email:
        rights.append("sending from the sender identity")
    return f"Cognito {trigger.name} trigger: " + ", ".join(rights)


def assume_role_policy(service: str, account_id: str) -> str:
    """Trust policy that lets one AWS service assume a role, on behalf of this account only.

    aws:SourceAccount keeps the service from being used as a confused deputy by another account.
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            ],
        }
    )


def ses_arn(identity_arn: str, resource: str) -> str:
    """Another SES ARN of the identity's partition, account and region (`identity/*`, ...)."""
    prefix, _, _ = identity_arn.partition(":identity/")
    return f"{prefix}:{resource}"


def trigger_policy(
    log_group_arn: str,
    sender_identity_arn: str | None,
    sender: str,
    limits_table_arn: str | None = None,
    configuration_set: str | None = None,
) -> str:
    """Least-privilege policy of one trigger: its logs; mail and the limits table if given ARNs."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_group_arn}:*"],
        }
    ]
    if sender_identity_arn is not None:
        resources = [ses_arn(sender_identity_arn, "identity/*")]
        if configuration_set:
            # The identity's default configuration set is applied to every send, and SES
            # authorizes the send against it too.
            resources.append(ses_arn(sender_identity_arn, f"configuration-set/{configuration_set}"))
        statements.append(
            {
                # SES v1 and v2 both authorize sending as ses:SendEmail / ses:SendRawEmail on the
                # sender's identity and, in the sandbox, on each recipient's identity: hence
                # identity/* of this account and region, pinned to the sender's From address.
                "Sid": "SendAsSenderOnly",
                "Effect": "Allow",
                "Action": list(SEND_ACTIONS),
                "Resource": resources,
                "Condition": {"StringEquals": {"ses:FromAddress": sender}},
            }
        )
    if limits_table_arn is not None:
        statements.append(limits_statement(limits_table_arn))
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@dataclass
class AuthArgs:
    """What the login needs from the rest of the stack."""

    login: LoginSettings
    sender_identity_arn: pulumi.Input[str]
    configuration_set_name: pulumi.Input[str]
    account_id: pulumi.Input[str]
    code_dir: Path
    """The functions/ folder; it becomes the package `functions` at the archive's root."""
    log_group_prefix: str
    log_retention_days: int
    deletion_protection: bool
    reply_to_email: str | None = None
    threat_protection: ThreatProtection = "off"
    tags: dict[str, str] = field(default_factory=dict)


POOL_TIER_WITHOUT_THREAT_PROTECTION = "LITE"
POOL_TIER_WITH_THREAT_PROTECTION = "PLUS"


def user_pool_add_ons(mode: ThreatProtection) -> aws.cognito.UserPoolUserPoolAddOnsArgs | None:
    """Threat protection for Cognito's own flows and for custom auth (the one this login uses)."""
    if mode == "off":
        return None
    setting = "ENFORCED" if mode == "enforced" else "AUDIT"
    return aws.cognito.UserPoolUserPoolAddOnsArgs(
        advanced_security_mode=setting,
        advanced_security_additional_flows=aws.cognito.UserPoolUserPoolAddOnsAdvancedSecurityAdditionalFlowsArgs(
            custom_auth_mode=setting
        ),
    )


class Auth(pulumi.ComponentResource):
    """Trigger Lambdas (roles, log groups, permissions), the limits table, the pool, the client."""

    limits_table: aws.dynamodb.Table
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
        self.limits_table = limits_table(
            f"{name}-limits",
            deletion_protection=args.deletion_protection,
            tags=args.tags,
            opts=child,
        )
        # Every trigger reads the same settings; the table's name is known only once it exists.
        settings_env = triggers.to_env()
        if args.reply_to_email:
            settings_env[REPLY_TO_ENV] = args.reply_to_email
        environment = self.limits_table.name.apply(
            lambda table_name: {**settings_env, LIMITS_TABLE_ENV: table_name}
        )
        trust = pulumi.Output.from_input(args.account_id).apply(
            lambda account: assume_role_policy("lambda.amazonaws.com", account)
        )

        self.functions, self.roles, self.log_groups, self.permissions = {}, {}, {}, {}
        for trigger in TRIGGERS:
            rname = f"{name}-{trigger.name}"
            log_group = aws.cloudwatch.LogGroup(
                rname,
                # A prefix, not a fixed name: a replacement is created before the old group is
                # deleted, and two groups cannot share a name.
                name_prefix=f"{args.log_group_prefix}/lambda/{trigger.name}-",
                retention_in_days=args.log_retention_days,
                tags=args.tags,
                opts=child,
            )
            role = aws.iam.Role(
                rname,
                assume_role_policy=trust,
                description=role_description(trigger),
                tags=args.tags,
                opts=child,
            )
            identity_arn = args.sender_identity_arn if trigger.sends_email else None
            table_arn = self.limits_table.arn if trigger.uses_limits_table else None
            configuration_set = args.configuration_set_name if trigger.sends_email else None
            policy = aws.iam.RolePolicy(
                rname,
                role=role.id,
                policy=pulumi.Output.all(
                    log_group.arn, identity_arn, table_arn, configuration_set
                ).apply(
                    lambda values: trigger_policy(
                        values[0], values[1], sender, values[2], values[3]
                    )
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
                memory_size=trigger.memory_mb,
                timeout=COGNITO_TIMEOUT_SECONDS,
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
                post_confirmation=self.functions["post-confirmation"].arn,
            ),
            # Defence in depth (the client cannot write `email` at all): a new address, however
            # it is set, replaces the old one only once its code is confirmed.
            user_attribute_update_settings=aws.cognito.UserPoolUserAttributeUpdateSettingsArgs(
                attributes_require_verification_before_updates=list(
                    ATTRIBUTES_VERIFIED_BEFORE_UPDATE
                )
            ),
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            email_configuration=aws.cognito.UserPoolEmailConfigurationArgs(
                email_sending_account="DEVELOPER",
                source_arn=args.sender_identity_arn,
                from_email_address=formataddr((triggers.app_name, sender)),
                reply_to_email_address=args.reply_to_email,
            ),
            mfa_configuration="OFF",
            # Custom authentication, triggers, token revocation and PreventUserExistenceErrors
            # are all Lite features; Essentials (the default tier) would only add cost. Threat
            # protection exists only in Plus.
            user_pool_tier=POOL_TIER_WITHOUT_THREAT_PROTECTION
            if args.threat_protection == "off"
            else POOL_TIER_WITH_THREAT_PROTECTION,
            user_pool_add_ons=user_pool_add_ons(args.threat_protection),
            tags=args.tags,
            opts=child,
        )
        self.groups = Groups(
            f"{name}-groups", self.user_pool.id, groups_from_lookup(pulumi.Config().get), opts=child
        )
        for trigger in TRIGGERS:
            self.permissions[trigger.name] = aws.lambda_.Permission(
                f"{name}-{trigger.name}-invoke",
                action="lambda:InvokeFunction",
                function=self.functions[trigger.name].name,
                principal=COGNITO_PRINCIPAL,
                source_arn=self.user_pool.arn,
                source_account=args.account_id,
                opts=child,
            )
        self.client = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            # Only custom auth (SRP, then the code) and refresh: USER_SRP_AUTH, USER_PASSWORD_AUTH
            # and USER_AUTH never run Define/Create/Verify, so they would skip the code.
            explicit_auth_flows=list(CLIENT_AUTH_FLOWS),
            read_attributes=list(CLIENT_READ_ATTRIBUTES),
            # Not `email`: an access token must not be able to move the codes elsewhere.
            write_attributes=list(CLIENT_WRITE_ATTRIBUTES),
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
                "limits_table_name": self.limits_table.name,
                "log_group_names": self.log_group_names,
            }
        )
