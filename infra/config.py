"""Typed, validated stack settings read from Pulumi configuration.

The login settings (OTP policy, password policy, token lifetimes, ...) come from the one
definition in functions/settings.py, so the deployed pool matches the local emulator. The
settings below only shape the infrastructure; they are declared in the same style so that every
bad value fails before anything is deployed, with a message naming the key and the allowed range.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from functions.colours import AA_TEXT, WHITE, contrast_ratio
from functions.settings import ALL_SETTINGS, LoginSettings, Setting, SettingError

PulumiType = Literal["string", "integer", "boolean"]
SessionStore = Literal["redis", "memory"]
ThreatProtection = Literal["off", "audit", "enforced"]

# Fargate accepts only these cpu/memory pairs (MiB); from the ECS developer guide, "Task CPU and
# memory" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html).
FARGATE_MEMORY_BY_CPU: Final[Mapping[int, tuple[int, ...]]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

# The only values CloudWatch Logs accepts for retentionInDays (PutRetentionPolicy API reference).
LOG_RETENTION_DAYS: Final = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

_BOOLEAN_CHOICES: Final = ("true", "false")


class InfraSetting(Setting):
    """A setting of the infrastructure only: adds its Pulumi type and an optional text pattern."""

    __slots__ = ("pattern", "pattern_hint", "pulumi_type")
    pulumi_type: PulumiType
    pattern: str | None
    pattern_hint: str

    def __init__(
        self,
        env: str,
        key: str,
        description: str,
        default: int | str | None,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        choices: tuple[str, ...] = (),
        is_email: bool = False,
        pulumi_type: PulumiType = "string",
        pattern: str | None = None,
        pattern_hint: str = "",
    ) -> None:
        super().__init__(
            env,
            key,
            description,
            default,
            minimum=minimum,
            maximum=maximum,
            choices=choices,
            is_email=is_email,
        )
        object.__setattr__(self, "pulumi_type", pulumi_type)
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "pattern_hint", pattern_hint)

    def allowed(self) -> str:
        if self.pattern:
            return self.pattern_hint
        return super().allowed()

    def parse(self, raw: object, *, source: str | None = None) -> int | str:
        """Like Setting.parse, plus booleans in any case and pattern checks of optional text."""
        if self.choices == _BOOLEAN_CHOICES and isinstance(raw, str | bool):
            raw = str(raw).strip().lower()
        value = super().parse(raw, source=source)
        if self.pattern and value != "" and not re.fullmatch(self.pattern, str(value)):
            raise SettingError(f"{source or self.key} must be {self.allowed()}, got {value!r}")
        return value


def _int_choices(values: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


SENDER_DOMAIN: Final = InfraSetting(
    "",
    "senderDomain",
    "Optional domain to verify in SES instead of the single sender address (DKIM records are "
    "exported); senderEmail must then be an address of this domain.",
    "",
    pattern=r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    pattern_hint="a lower-case domain name such as example.com, or empty",
)
NAT_PER_AZ: Final = InfraSetting(
    "",
    "natPerAz",
    "One NAT gateway per availability zone (resilient, about twice the NAT cost) instead of one.",
    "false",
    choices=_BOOLEAN_CHOICES,
    pulumi_type="boolean",
)
TASK_CPU: Final = InfraSetting(
    "",
    "taskCpu",
    "CPU units of each web task (1024 = one vCPU); Fargate sizes only.",
    "256",
    choices=_int_choices(tuple(FARGATE_MEMORY_BY_CPU)),
    pulumi_type="integer",
)
TASK_MEMORY: Final = InfraSetting(
    "",
    "taskMemory",
    "Memory (MiB) of each web task; must be a Fargate size allowed for taskCpu.",
    512,
    minimum=512,
    maximum=122880,
    pulumi_type="integer",
)
DESIRED_COUNT: Final = InfraSetting(
    "",
    "desiredCount",
    "Web tasks started at the first deployment (autoscaling adjusts it later).",
    1,
    minimum=1,
    maximum=100,
    pulumi_type="integer",
)
MIN_COUNT: Final = InfraSetting(
    "",
    "minCount",
    "Fewest web tasks autoscaling keeps running.",
    1,
    minimum=1,
    maximum=100,
    pulumi_type="integer",
)
MAX_COUNT: Final = InfraSetting(
    "",
    "maxCount",
    "Most web tasks autoscaling may run.",
    2,
    minimum=1,
    maximum=100,
    pulumi_type="integer",
)
LOG_RETENTION: Final = InfraSetting(
    "",
    "logRetentionDays",
    "Days CloudWatch keeps the logs of the triggers and the web tasks, and S3 the load balancer's "
    "access logs.",
    "14",
    choices=_int_choices(LOG_RETENTION_DAYS),
    pulumi_type="integer",
)
DELETION_PROTECTION: Final = InfraSetting(
    "",
    "deletionProtection",
    "Protect the user pool, the limits table and the load balancer from deletion (turn off "
    "before destroy).",
    "false",
    choices=_BOOLEAN_CHOICES,
    pulumi_type="boolean",
)
CERTIFICATE_ARN: Final = InfraSetting(
    "",
    "certificateArn",
    "ACM certificate ARN (in the stack's region) for HTTPS on the load balancer itself; empty "
    "puts CloudFront with its default certificate in front of it, so every stack is HTTPS.",
    "",
    pattern=r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+",
    pattern_hint="an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID), or empty",
)
DOMAIN_NAME: Final = InfraSetting(
    "",
    "domainName",
    "Host name users reach the site at when certificateArn is set (a name the certificate covers, "
    "pointed at the load balancer); the web app answers only it and the load balancer's name.",
    "",
    pattern=r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    pattern_hint="a lower-case host name such as login.example.com, or empty",
)
IMAGE: Final = InfraSetting(
    "",
    "image",
    "Prebuilt web app image to run instead of building webapp/Dockerfile; empty builds it.",
    "",
    pattern=r"[^\s]+",
    pattern_hint="an image reference without spaces (registry/name:tag or @sha256:...), or empty",
)

_OPTIONAL_EMAIL: Final = r"[^@\s]+@[^@\s]+\.[^@\s]+"
REPLY_TO_EMAIL: Final = InfraSetting(
    "",
    "replyToEmail",
    "Reply-To address of the codes and Cognito's own emails (a mailbox people read); empty "
    "sends without Reply-To.",
    "",
    pattern=_OPTIONAL_EMAIL,
    pattern_hint="an email address, or empty",
)
ALARM_EMAIL: Final = InfraSetting(
    "",
    "alarmEmail",
    "Address subscribed to the stack's alarm topic (SNS mails a link to confirm); empty creates "
    "the topic and alarms without a subscriber.",
    "",
    pattern=_OPTIONAL_EMAIL,
    pattern_hint="an email address, or empty",
)

# The web app's brand (webapp/brand.py). The stack's image is built from webapp/Dockerfile or
# pulled, so a logo file inside it cannot be chosen here: only an https:// URL, whose host (letters,
# digits, dots and hyphens) also goes into the app's Content-Security-Policy as is.
BRAND_LOGO_URL: Final = InfraSetting(
    "APP_LOGO",
    "brandLogoUrl",
    "https:// address of the logo shown in the web app's header (SVG, PNG, WebP or JPEG); empty "
    "shows none.",
    "",
    pattern=r"https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?([/?#][^\s\"'<>]*)?",
    pattern_hint="an https:// URL with a host and no quotes, spaces, < or >, or empty",
)
BRAND_PRIMARY_COLOR: Final = InfraSetting(
    "APP_PRIMARY_COLOR",
    "brandPrimaryColor",
    "Primary colour of the web app's buttons (white text) and links; empty keeps the app's own "
    "blue.",
    "",
    pattern=r"#[0-9a-fA-F]{6}",
    pattern_hint="a colour written #rrggbb that carries white text at 4.5:1 (WCAG AA), or empty",
)

SESSION_STORE: Final = InfraSetting(
    "",
    "sessionStore",
    "Where the web tasks keep each browser's state: redis (ElastiCache Serverless for Valkey, "
    "shared by every task, so deploys and scale-in sign nobody out) or memory (each task's own; "
    "only with maxCount 1).",
    "redis",
    choices=("redis", "memory"),
)
SESSION_CACHE_MAX_GB: Final = InfraSetting(
    "",
    "sessionCacheMaxGb",
    "Usage limit of the session cache's data in GB (about 5.3 KB per signed-in browser, so 1 GB "
    "holds about 190,000); writes past it fail.",
    1,
    minimum=1,
    maximum=5000,
    pulumi_type="integer",
)
SESSION_CACHE_MAX_ECPU: Final = InfraSetting(
    "",
    "sessionCacheMaxEcpuPerSecond",
    "Usage limit of the session cache in ElastiCache Processing Units per second (a sign-in step "
    "takes about 20); requests past it are throttled.",
    5000,
    minimum=1000,
    maximum=15_000_000,
    pulumi_type="integer",
)
THREAT_PROTECTION: Final = InfraSetting(
    "",
    "threatProtection",
    "Cognito threat protection: off, audit (risk scores and metrics only) or enforced (risky "
    "sign-ins and compromised passwords blocked); audit and enforced need the Plus tier, billed "
    "per monthly active user.",
    "off",
    choices=("off", "audit", "enforced"),
)

INFRA_SETTINGS: Final = (
    SENDER_DOMAIN,
    NAT_PER_AZ,
    TASK_CPU,
    TASK_MEMORY,
    DESIRED_COUNT,
    MIN_COUNT,
    MAX_COUNT,
    LOG_RETENTION,
    DELETION_PROTECTION,
    CERTIFICATE_ARN,
    DOMAIN_NAME,
    IMAGE,
    REPLY_TO_EMAIL,
    ALARM_EMAIL,
    BRAND_LOGO_URL,
    BRAND_PRIMARY_COLOR,
    SESSION_STORE,
    SESSION_CACHE_MAX_GB,
    SESSION_CACHE_MAX_ECPU,
    THREAT_PROTECTION,
)

STACK_SETTINGS: Final = ALL_SETTINGS + INFRA_SETTINGS
"""Every project key of Pulumi.yaml: the login's settings, then the infrastructure's."""


def pulumi_type(setting: Setting) -> PulumiType:
    """The config type Pulumi.yaml declares for a setting."""
    if isinstance(setting, InfraSetting):
        return setting.pulumi_type
    return "integer" if setting.is_int else "string"


def pulumi_default(setting: Setting) -> int | str | bool | None:
    """The default as Pulumi.yaml writes it (typed), or None for a required key."""
    kind = pulumi_type(setting)
    if setting.default is None:
        return None
    if kind == "boolean":
        return str(setting.default) == "true"
    if kind == "integer":
        return int(setting.default)
    return setting.default


@dataclass(frozen=True)
class StackConfig:
    """All validated settings of one stack."""

    login: LoginSettings
    sender_domain: str | None
    nat_per_az: bool
    task_cpu: int
    task_memory: int
    desired_count: int
    min_count: int
    max_count: int
    log_retention_days: int
    deletion_protection: bool
    certificate_arn: str | None
    image: str | None
    reply_to_email: str | None = None
    alarm_email: str | None = None
    domain_name: str | None = None
    session_store: SessionStore = "redis"
    session_cache_max_gb: int = 1
    session_cache_max_ecpu_per_second: int = 5000
    threat_protection: ThreatProtection = "off"
    brand_logo_url: str | None = None
    brand_primary_color: str | None = None

    @property
    def sender_email(self) -> str:
        return str(self.login.triggers.sender_email)


def _memory_sizes(cpu: int) -> str:
    sizes = FARGATE_MEMORY_BY_CPU[cpu]
    if len(sizes) <= 3:
        return "one of " + ", ".join(map(str, sizes))
    return f"from {sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"


# Names reserved for documentation (RFC 2606, RFC 6761): mail to them never arrives, and SES
# cannot verify them. The stack files ship with them as examples, so they are refused here.
_EXAMPLE_DOMAINS: Final = ("example.com", "example.net", "example.org")
_EXAMPLE_TLDS: Final = ("example", "test", "invalid", "localhost")
# The account id AWS's own documentation uses, and an all-zero certificate id: placeholders.
_EXAMPLE_ACCOUNT: Final = "123456789012"
_PLACEHOLDER_CERTIFICATE: Final = re.compile(r".*:certificate/[0-]+")


def is_example_domain(domain: str) -> bool:
    """True for a reserved documentation domain (example.com, *.test, ...) or a subdomain."""
    name = domain.lower().rstrip(".")
    return name.rsplit(".", 1)[-1] in _EXAMPLE_TLDS or any(
        name == d or name.endswith("." + d) for d in _EXAMPLE_DOMAINS
    )


def _refuse_examples(values: Mapping[str, str | None], region: str | None) -> None:
    """Stop before AWS does: example addresses, the placeholder certificate, a foreign region."""
    for key in ("senderDomain", "senderEmail", "replyToEmail", "alarmEmail", "domainName"):
        value = values.get(key)
        if value and is_example_domain(value.rsplit("@", 1)[-1]):
            raise SettingError(
                f"{key} is {value!r}, an example value that cannot receive or send mail: set "
                f"your own with `pulumi config set {key} ...` (the stack files are examples)"
            )
    arn = values.get("certificateArn")
    if arn:
        account = arn.split(":")[4]
        if account == _EXAMPLE_ACCOUNT or _PLACEHOLDER_CERTIFICATE.fullmatch(arn):
            raise SettingError(
                f"certificateArn {arn!r} is the example placeholder: request or import a "
                "certificate in ACM and set its ARN, or remove the key to serve HTTPS through "
                "CloudFront (`pulumi config rm certificateArn`)"
            )
        cert_region = arn.split(":")[3]
        if region and cert_region != region:
            raise SettingError(
                f"certificateArn is in {cert_region} but the stack deploys to {region}: a load "
                "balancer can only use a certificate of its own region"
            )


def load_stack_config(
    lookup: Callable[[str], str | None], region: str | None = None
) -> StackConfig:
    """Read and check every key; raise SettingError naming the first bad key and its range.

    `lookup` maps a project key (camelCase, without namespace) to its raw value or None; in the
    program it is `pulumi.Config().get`. `region` (aws:region) lets the certificate be checked
    against it. Example values from the stack files are refused with a message saying what to set.
    """

    def by_key(setting: Setting) -> object:
        return lookup(setting.key)

    def name(setting: Setting) -> str:
        return setting.key

    def get(setting: InfraSetting) -> int | str:
        return setting.parse(lookup(setting.key), source=setting.key)

    login = LoginSettings.from_lookup(by_key, source=name)
    sender_domain = str(get(SENDER_DOMAIN)) or None
    sender = str(login.triggers.sender_email)
    if sender_domain and not sender.endswith("@" + sender_domain):
        raise SettingError(
            f"senderEmail must be an address of senderDomain {sender_domain} "
            f"(...@{sender_domain}), got {sender!r}"
        )
    cpu = int(get(TASK_CPU))
    memory = int(get(TASK_MEMORY))
    if memory not in FARGATE_MEMORY_BY_CPU[cpu]:
        raise SettingError(
            f"taskMemory must be {_memory_sizes(cpu)} (the Fargate sizes for taskCpu {cpu}), "
            f"got {memory}"
        )
    optional = {
        "replyToEmail": str(get(REPLY_TO_EMAIL)) or None,
        "alarmEmail": str(get(ALARM_EMAIL)) or None,
        "certificateArn": str(get(CERTIFICATE_ARN)) or None,
        "domainName": str(get(DOMAIN_NAME)) or None,
    }
    _refuse_examples({"senderEmail": sender, "senderDomain": sender_domain, **optional}, region)
    min_count, desired, max_count = (
        int(get(MIN_COUNT)),
        int(get(DESIRED_COUNT)),
        int(get(MAX_COUNT)),
    )
    if not min_count <= desired <= max_count:
        raise SettingError(
            "desiredCount must be from minCount to maxCount "
            f"(minCount {min_count} <= desiredCount {desired} <= maxCount {max_count})"
        )
    _check_domain(optional["certificateArn"], optional["domainName"])
    session_store: SessionStore = "memory" if get(SESSION_STORE) == "memory" else "redis"
    if session_store == "memory" and max_count > 1:
        raise SettingError(
            f"sessionStore is memory but maxCount is {max_count}: each task would keep its own "
            "browsers' state, so every deploy, scale-in or lost task would sign users out (and "
            "the web app refuses to start with MAX_TASKS above 1 and no REDIS_URL). Set "
            "sessionStore to redis, or maxCount (and minCount, desiredCount) to 1."
        )
    raw_threat = get(THREAT_PROTECTION)
    threat: ThreatProtection = (
        "enforced" if raw_threat == "enforced" else "audit" if raw_threat == "audit" else "off"
    )
    return StackConfig(
        login=login,
        sender_domain=sender_domain,
        nat_per_az=get(NAT_PER_AZ) == "true",
        task_cpu=cpu,
        task_memory=memory,
        desired_count=desired,
        min_count=min_count,
        max_count=max_count,
        log_retention_days=int(get(LOG_RETENTION)),
        deletion_protection=get(DELETION_PROTECTION) == "true",
        certificate_arn=optional["certificateArn"],
        image=str(get(IMAGE)) or None,
        reply_to_email=optional["replyToEmail"],
        alarm_email=optional["alarmEmail"],
        domain_name=optional["domainName"],
        session_store=session_store,
        session_cache_max_gb=int(get(SESSION_CACHE_MAX_GB)),
        session_cache_max_ecpu_per_second=int(get(SESSION_CACHE_MAX_ECPU)),
        threat_protection=threat,
        brand_logo_url=_brand_logo_url(lookup(BRAND_LOGO_URL.key)),
        brand_primary_color=_brand_primary_color(str(get(BRAND_PRIMARY_COLOR)) or None),
    )


def _brand_logo_url(raw: str | None) -> str | None:
    """An https:// logo, checked as strictly as the web app does (webapp/brand.py) or more."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.startswith("https://"):
        raise SettingError(
            f"brandLogoUrl must be an https:// URL, got {text!r}: the stack's image is built from "
            "webapp/Dockerfile (or pulled), so it holds no logo file of yours; host the logo and "
            "set its https:// address, or `pulumi config rm brandLogoUrl`"
        )
    return str(BRAND_LOGO_URL.parse(text, source=BRAND_LOGO_URL.key))


def _brand_primary_color(colour: str | None) -> str | None:
    """The web app refuses a primary that white button text cannot be read on: refuse it first."""
    if colour is None:
        return None
    ratio = contrast_ratio(colour, WHITE)
    if ratio < AA_TEXT:
        raise SettingError(
            f"brandPrimaryColor {colour} carries white button text at {ratio:.2f}:1; WCAG AA "
            f"needs {AA_TEXT}:1 (the web app would refuse to start). Choose a darker shade."
        )
    return colour.lower()


def _check_domain(certificate_arn: str | None, domain_name: str | None) -> None:
    """With a certificate users reach the site under a name of theirs, and only under it.

    The web app answers only the host names it is told (TRUSTED_HOSTS), so without domainName
    every request to the site's own name would be refused. Without a certificate the site is
    CloudFront's *.cloudfront.net name (its default certificate covers no other name).
    """
    if certificate_arn and not domain_name:
        raise SettingError(
            "domainName is required with certificateArn: the host name users type (one the "
            "certificate covers, pointed at the load balancer), for example `pulumi config set "
            "domainName login.yourdomain.example`; the web app refuses requests for other names"
        )
    if domain_name and not certificate_arn:
        raise SettingError(
            "domainName needs certificateArn: without a certificate the site is served by "
            "CloudFront under its own *.cloudfront.net name, which is the only name it can serve "
            "over HTTPS (`pulumi config rm domainName`, or set certificateArn)"
        )


def settings_table_markdown() -> str:
    """The deploy guide's table of every project key (tests keep the guide equal to this)."""
    rows = [
        "| Key | Type | Default | Allowed values | Description |",
        "|---|---|---|---|---|",
    ]
    for setting in STACK_SETTINGS:
        default = pulumi_default(setting)
        shown = "(required)" if default is None else ('""' if default == "" else f"`{default}`")
        if isinstance(default, bool):
            shown = f"`{str(default).lower()}`"
        rows.append(
            f"| `{setting.key}` | {pulumi_type(setting)} | {shown} | {setting.allowed()} "
            f"| {setting.description} |"
        )
    return "\n".join(rows)
