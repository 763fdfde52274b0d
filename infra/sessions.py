"""Sessions: the browsers' shared state, in ElastiCache Serverless for Valkey.

With more than one web task, each browser's record (its sign-in step, sealed tokens and pending
Cognito session) and the rate-limit counters must live where every task can read them, or every
deploy, scale-in and lost task signs users out and wastes the code already emailed
(webapp/browser_store.py). This component creates that store and what it takes to reach it
safely; the web tier (infra/web.py) opens its security group to the tasks and hands the two
secrets to the task definition.

- **Serverless Valkey**, current major version, in the private subnets: nothing to size or patch,
  billed per GB-hour stored (100 MB minimum) and per ECPU, with usage limits on both so that a
  flood or a bug costs at most what the limits allow.
- **TLS only**: a serverless cache accepts only TLS connections, hence `rediss://`.
- **Network**: its own security group, which admits only the web tasks' group, and only on the
  endpoint's port. Serverless also has a reader port (6380, replicas that may lag); the app
  reads its own writes, so it uses only 6379 and 6380 stays closed.
- **Authentication**: a user group with two users. The app's user (a generated password, kept in
  Secrets Manager) may run only the command classes the app uses, on only its keys' prefixes.
  A user named `default` must be in every group and is what an unauthenticated connection
  becomes; here it is switched off (`off -@all`), so a connection without the app's password can
  do nothing at all.
- **Secrets** the tasks receive (ECS `secrets`, never plain environment): REDIS_URL, with the
  user and password in it, and SESSION_ENCRYPTION_KEY, 32 random bytes that seal each record
  (not the cookie-signing storage secret). Both are generated once and kept across deployments;
  replacing the key makes every stored record unreadable, which signs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi
import pulumi_aws as aws

ENGINE: Final = "valkey"
MAJOR_ENGINE_VERSION: Final = "9"
"""The current major version of Valkey on ElastiCache Serverless (9.0, then 9.1, in 2026)."""
CACHE_PORT: Final = 6379
"""The serverless endpoint's port (reads and writes)."""
READER_PORT: Final = 6380
"""The serverless reader port (replica reads, possibly stale): not opened, the app never uses it."""
DATABASE: Final = 0
"""Serverless caches serve database 0 (the URL names it explicitly)."""
PASSWORD_LENGTH: Final = 40
"""ElastiCache passwords are 16 to 128 characters; letters and digits only, so the URL needs no
escaping (get_random_password's punctuation includes '@' and '/')."""
ENCRYPTION_KEY_BYTES: Final = 32
APP_KEY_PATTERNS: Final = ("login:*", "LIMITS:*")
"""The browsers' records (webapp/browser_store.py KEY_PREFIX) and the `limits` library's
counters (its default key prefix): the only keys the app's user may touch."""
APP_COMMANDS: Final = ("-@all", "+@connection", "+@read", "+@write", "+@scripting", "-@dangerous")
"""GET/SET/DEL/PING for the records; the counters' Lua scripts (EVALSHA, SCRIPT LOAD, which run
with the same rights); nothing that lists every key, flushes, reconfigures or kills clients."""
DISABLED_ACCESS: Final = "off -@all"
REDIS_URL_ENV: Final = "REDIS_URL"
ENCRYPTION_KEY_ENV: Final = "SESSION_ENCRYPTION_KEY"


def app_access_string() -> str:
    """The ElastiCache (Valkey ACL) rules of the app's user: on, its keys, its commands."""
    keys = " ".join(f"~{pattern}" for pattern in APP_KEY_PATTERNS)
    return f"on {keys} {' '.join(APP_COMMANDS)}"


def cache_ids(project: str, stack: str) -> tuple[str, str, str]:
    """(user group id, app user id, disabled default user id), unique per project and stack.

    ElastiCache user and group ids are account-wide in a region, start with a letter and take
    letters, digits and hyphens; a short hash of project and stack keeps two projects with a
    stack of the same name apart, and the stack's name keeps them readable.
    """
    digest = hashlib.sha256(f"{project}/{stack}".encode()).hexdigest()[:8]
    slug = "".join(c if c.isalnum() else "-" for c in stack.lower()).strip("-")[:12] or "stack"
    base = f"login-{slug}-{digest}".replace("--", "-")
    return base, f"{base}-app", f"{base}-default"


def redis_url(user: str, password: str, address: str, port: int) -> str:
    """rediss:// (TLS), the app's user and password, the endpoint and database 0."""
    return f"rediss://{user}:{password}@{address}:{port}/{DATABASE}"


def encryption_key() -> str:
    """32 random bytes in standard base64: what SESSION_ENCRYPTION_KEY must be."""
    return base64.b64encode(secrets.token_bytes(ENCRYPTION_KEY_BYTES)).decode()


@dataclass
class SessionsArgs:
    """Where the cache goes and how much it may use."""

    vpc_id: pulumi.Input[str]
    private_subnet_ids: list[pulumi.Input[str]]
    max_data_gb: int
    max_ecpu_per_second: int
    tags: dict[str, str] = field(default_factory=dict)


class Sessions(pulumi.ComponentResource):
    """The serverless cache, its security group, users and user group, and the task's secrets."""

    security_group: aws.ec2.SecurityGroup
    cache: aws.elasticache.ServerlessCache
    user_group: aws.elasticache.UserGroup
    app_user: aws.elasticache.User
    default_user: aws.elasticache.User
    password_secret: aws.secretsmanager.Secret
    password_version: aws.secretsmanager.SecretVersion
    url_secret: aws.secretsmanager.Secret
    url_version: aws.secretsmanager.SecretVersion
    key_secret: aws.secretsmanager.Secret
    key_version: aws.secretsmanager.SecretVersion
    port: int
    ready: list[pulumi.Resource]
    """What a task needs before it starts: the cache (available), both secrets' values."""

    def __init__(
        self, name: str, args: SessionsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Sessions", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = args.tags
        group_id, app_user_id, default_user_id = cache_ids(pulumi.get_project(), pulumi.get_stack())
        self.port = CACHE_PORT

        # No rule here: the web tier adds the one ingress rule from its tasks' group, and the
        # cache itself never opens connections (the provider removes AWS's default egress rule).
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-cache-sg",
            description="Session cache: the Valkey port from the web tasks only",
            vpc_id=args.vpc_id,
            revoke_rules_on_delete=True,
            tags=tags,
            opts=child,
        )

        # --- the app's password: generated once into Secrets Manager, then read back ---------
        self.password_secret = aws.secretsmanager.Secret(
            f"{name}-cache-password",
            description="Password of the web app's user on the session cache (ElastiCache).",
            recovery_window_in_days=7,
            tags=tags,
            opts=child,
        )
        random = aws.secretsmanager.get_random_password_output(
            password_length=PASSWORD_LENGTH,
            exclude_punctuation=True,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.password_version = aws.secretsmanager.SecretVersion(
            f"{name}-cache-password",
            secret_id=self.password_secret.id,
            secret_string=pulumi.Output.secret(random.random_password),
            # The invoke returns a new value on every run; keep the first one (ignore_changes
            # keeps the stored value, which secret_string outputs), so the user and the URL
            # always agree with it.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
        )
        password = self.password_version.secret_string.apply(lambda v: v or "")

        self.app_user = aws.elasticache.User(
            f"{name}-app-user",
            user_id=app_user_id,
            user_name=app_user_id,
            engine=ENGINE,
            access_string=app_access_string(),
            passwords=[password],
            tags=tags,
            opts=child,
        )
        # Every user group must hold a user named `default`: it is who an unauthenticated
        # connection is. This one is off; its password is random, used by no one, and kept
        # (a Valkey group admits only users with a password or IAM authentication).
        self.default_user = aws.elasticache.User(
            f"{name}-default-user",
            user_id=default_user_id,
            user_name="default",
            engine=ENGINE,
            access_string=DISABLED_ACCESS,
            passwords=[pulumi.Output.secret(secrets.token_urlsafe(32))],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["passwords"]),
        )
        self.user_group = aws.elasticache.UserGroup(
            f"{name}-users",
            user_group_id=group_id,
            engine=ENGINE,
            user_ids=[self.default_user.user_id, self.app_user.user_id],
            tags=tags,
            opts=child,
        )

        self.cache = aws.elasticache.ServerlessCache(
            f"{name}-cache",
            engine=ENGINE,
            major_engine_version=MAJOR_ENGINE_VERSION,
            description=f"{pulumi.get_project()} {pulumi.get_stack()}: the browsers' sessions",
            subnet_ids=args.private_subnet_ids,
            security_group_ids=[self.security_group.id],
            user_group_id=self.user_group.user_group_id,
            cache_usage_limits=aws.elasticache.ServerlessCacheCacheUsageLimitsArgs(
                data_storage=aws.elasticache.ServerlessCacheCacheUsageLimitsDataStorageArgs(
                    maximum=args.max_data_gb, unit="GB"
                ),
                ecpu_per_seconds=[
                    aws.elasticache.ServerlessCacheCacheUsageLimitsEcpuPerSecondArgs(
                        maximum=args.max_ecpu_per_second
                    )
                ],
            ),
            # Sessions end by themselves (each key has a TTL); a snapshot would only keep sealed
            # records of signed-out browsers around.
            snapshot_retention_limit=0,
            tags=tags,
            opts=child,
        )

        # --- what the tasks receive --------------------------------------------------------
        self.url_secret = aws.secretsmanager.Secret(
            f"{name}-redis-url",
            description="REDIS_URL of the web tasks: rediss://user:password@endpoint:port/0.",
            recovery_window_in_days=7,
            tags=tags,
            opts=child,
        )
        endpoint = self.cache.endpoints.apply(lambda endpoints: endpoints[0])
        parts: pulumi.Output[list[Any]] = pulumi.Output.all(
            self.app_user.user_name, password, endpoint.address, endpoint.port
        )
        url: pulumi.Output[str] = pulumi.Output.secret(
            parts.apply(lambda v: redis_url(str(v[0]), str(v[1]), str(v[2]), int(v[3])))
        )
        self.url_version = aws.secretsmanager.SecretVersion(
            f"{name}-redis-url",
            secret_id=self.url_secret.id,
            secret_string=url,
            opts=child,
        )
        self.key_secret = aws.secretsmanager.Secret(
            f"{name}-encryption-key",
            description="SESSION_ENCRYPTION_KEY of the web tasks: seals each browser's record.",
            recovery_window_in_days=7,
            tags=tags,
            opts=child,
        )
        self.key_version = aws.secretsmanager.SecretVersion(
            f"{name}-encryption-key",
            secret_id=self.key_secret.id,
            secret_string=pulumi.Output.secret(encryption_key()),
            # A new key on every run would make every stored record unreadable: keep the first.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
        )
        self.ready = [self.cache, self.url_version, self.key_version]
        self.register_outputs(
            {
                "cache_name": self.cache.name,
                "endpoint": endpoint.address,
                "redis_url_secret_arn": self.url_secret.arn,
                "encryption_key_secret_arn": self.key_secret.arn,
            }
        )
