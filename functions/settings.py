"""The one definition of every setting that shapes the login.

The Lambda triggers read these from environment variables, the Pulumi program from stack
configuration, and the local emulator from their defaults, so the deployed and the local pool
behave identically. Each setting is declared once here: its environment name, its Pulumi key,
its default, its bounds and its description. Nothing in this module imports boto3, and its classes
are NamedTuples rather than dataclasses: it is loaded by every trigger's cold start, where
defining dataclasses alone cost several milliseconds (bench/triggers.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

SUPPORTED_LOCALES: Final = ("en", "ja")
_EMAIL_PATTERN: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SettingError(ValueError):
    """A setting has a value outside what it allows; the message names the setting and the range."""


class Setting:
    """Declaration of one setting: where it comes from and which values it accepts.

    A plain immutable class with slots (not a dataclass): cheap to define at cold start, and
    the Pulumi program can subclass it for infrastructure-only settings.
    """

    __slots__ = (
        "choices",
        "default",
        "description",
        "env",
        "is_email",
        "key",
        "maximum",
        "minimum",
    )
    env: str
    key: str
    description: str
    default: int | str | None
    minimum: int | None
    maximum: int | None
    choices: tuple[str, ...]
    is_email: bool

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
    ) -> None:
        values = {
            "env": env,
            "key": key,
            "description": description,
            "default": default,
            "minimum": minimum,
            "maximum": maximum,
            "choices": choices,
            "is_email": is_email,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r})"

    @property
    def is_int(self) -> bool:
        return self.minimum is not None

    def allowed(self) -> str:
        """Human description of the allowed values, used in every error message."""
        if self.is_int:
            return f"an integer from {self.minimum} to {self.maximum}"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.is_email:
            return "an email address such as no-reply@example.com"
        return "a non-empty text"

    def parse(self, raw: object, *, source: str | None = None) -> int | str:
        """Turn a raw value (env text, config value or None) into a checked value."""
        name = source or self.env
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if self.default is None:
                raise SettingError(f"{name} is required: {self.allowed()}")
            return self.default
        if self.is_int:
            return self._parse_int(raw, name)
        text = str(raw).strip()
        if self.choices and text not in self.choices:
            raise SettingError(f"{name} must be {self.allowed()}, got {text!r}")
        if self.is_email and not _EMAIL_PATTERN.match(text):
            raise SettingError(f"{name} must be {self.allowed()}, got {text!r}")
        return text

    def _parse_int(self, raw: object, name: str) -> int:
        low, high = int(self.minimum or 0), int(self.maximum or 0)
        if isinstance(raw, bool):
            raise SettingError(f"{name} must be {self.allowed()}, got {raw!r}")
        try:
            value = int(str(raw).strip(), 10)
        except ValueError:
            raise SettingError(f"{name} must be {self.allowed()}, got {raw!r}") from None
        if not low <= value <= high:
            raise SettingError(f"{name} must be {self.allowed()}, got {value}")
        return value


# --- The trigger settings (environment variables of the Lambda functions) -------------------

SENDER_EMAIL: Final = Setting(
    "SENDER_EMAIL",
    "senderEmail",
    "Address the one-time codes and Cognito's own emails are sent from (an SES identity).",
    None,
    is_email=True,
)
APP_NAME: Final = Setting(
    "APP_NAME", "appName", "Product name shown in emails and page titles.", "Example App"
)
OTP_LENGTH: Final = Setting(
    "OTP_LENGTH", "otpLength", "Digits in each one-time code.", 6, minimum=4, maximum=10
)
OTP_TTL_SECONDS: Final = Setting(
    "OTP_TTL_SECONDS",
    "otpTtlSeconds",
    "Seconds a one-time code stays valid after it is sent.",
    180,
    minimum=30,
    maximum=900,
)
OTP_MAX_ATTEMPTS: Final = Setting(
    "OTP_MAX_ATTEMPTS",
    "otpMaxAttempts",
    "Wrong answers allowed for one code before it is spent.",
    3,
    minimum=1,
    maximum=10,
)
OTP_MAX_CODES: Final = Setting(
    "OTP_MAX_CODES",
    "otpMaxCodes",
    "Codes sent per sign-in, resends included.",
    3,
    minimum=1,
    maximum=10,
)
OTP_RESEND_COOLDOWN_SECONDS: Final = Setting(
    "OTP_RESEND_COOLDOWN_SECONDS",
    "otpResendCooldownSeconds",
    "Seconds between two codes of one sign-in.",
    30,
    minimum=0,
    maximum=300,
)
OTP_LOCK_THRESHOLD: Final = Setting(
    "OTP_LOCK_THRESHOLD",
    "otpLockThreshold",
    "Wrong codes per account, across all its sign-ins, within otpLockWindowSeconds before no "
    "code is issued for otpLockSeconds.",
    10,
    minimum=3,
    maximum=100,
)
OTP_LOCK_WINDOW_SECONDS: Final = Setting(
    "OTP_LOCK_WINDOW_SECONDS",
    "otpLockWindowSeconds",
    "Seconds over which wrong codes are counted per account.",
    3600,
    minimum=300,
    maximum=86400,
)
OTP_LOCK_SECONDS: Final = Setting(
    "OTP_LOCK_SECONDS",
    "otpLockSeconds",
    "Seconds no code is issued after otpLockThreshold wrong codes; doubles with each repeated "
    "lock, up to 24 hours.",
    900,
    minimum=60,
    maximum=86400,
)
OTP_MAX_CODES_PER_HOUR: Final = Setting(
    "OTP_MAX_CODES_PER_HOUR",
    "otpMaxCodesPerHour",
    "Codes emailed per account per hour, across all its sign-ins (against mail bombing).",
    10,
    minimum=1,
    maximum=100,
)
DEFAULT_LOCALE: Final = Setting(
    "DEFAULT_LOCALE",
    "defaultLocale",
    "Language of emails when neither the browser nor the user's profile names one.",
    "en",
    choices=SUPPORTED_LOCALES,
)

TRIGGER_SETTINGS: Final = (
    SENDER_EMAIL,
    APP_NAME,
    OTP_LENGTH,
    OTP_TTL_SECONDS,
    OTP_MAX_ATTEMPTS,
    OTP_MAX_CODES,
    OTP_RESEND_COOLDOWN_SECONDS,
    OTP_LOCK_THRESHOLD,
    OTP_LOCK_WINDOW_SECONDS,
    OTP_LOCK_SECONDS,
    OTP_MAX_CODES_PER_HOUR,
    DEFAULT_LOCALE,
)
# The name of the per-account limits table (DynamoDB). Not a stack setting: the Pulumi program
# and the local stack set it to the table they create.
LIMITS_TABLE_ENV: Final = "OTP_LIMITS_TABLE"
# The longest a lock can grow to by doubling.
MAX_LOCK_SECONDS: Final = 86400

# --- The app client (one definition for infra/auth.py and the local stack) --------------------

# Only the flows this login uses: USER_SRP_AUTH, USER_PASSWORD_AUTH and USER_AUTH never run the
# custom-auth triggers, so with any of them enabled the password alone would return tokens.
CLIENT_AUTH_FLOWS: Final = ("ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
# What the app reads from the ID token and GetUser, and what it writes (at sign-up). `email` is
# the username and is never writable by the client: an access token must not be able to move
# the one-time codes to another address.
CLIENT_READ_ATTRIBUTES: Final = ("email", "email_verified", "locale")
CLIENT_WRITE_ATTRIBUTES: Final = ("locale",)
# Attributes whose new value takes effect only once verified (defence in depth: the client cannot
# write `email`, but an administrator's or another client's change must be verified too).
ATTRIBUTES_VERIFIED_BEFORE_UPDATE: Final = ("email",)


class OtpSettings(NamedTuple):
    """The one-time-code policy, shared by Define, Create and Verify."""

    length: int = int(OTP_LENGTH.default or 0)
    ttl_seconds: int = int(OTP_TTL_SECONDS.default or 0)
    max_attempts: int = int(OTP_MAX_ATTEMPTS.default or 0)
    max_codes: int = int(OTP_MAX_CODES.default or 0)
    resend_cooldown_seconds: int = int(OTP_RESEND_COOLDOWN_SECONDS.default or 0)


class AccountLimitSettings(NamedTuple):
    """Per-account limits across sign-ins (functions/account_limits.py), kept in DynamoDB."""

    lock_threshold: int = int(OTP_LOCK_THRESHOLD.default or 0)
    lock_window_seconds: int = int(OTP_LOCK_WINDOW_SECONDS.default or 0)
    lock_seconds: int = int(OTP_LOCK_SECONDS.default or 0)
    max_codes_per_hour: int = int(OTP_MAX_CODES_PER_HOUR.default or 0)


class TriggerSettings(NamedTuple):
    """Everything a trigger reads from its environment, validated once at cold start."""

    sender_email: str | None
    app_name: str
    default_locale: str
    otp: OtpSettings
    limits: AccountLimitSettings = AccountLimitSettings()

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], *, require_sender: bool = False
    ) -> TriggerSettings:
        """Read and check the environment; raise SettingError naming the first bad variable."""
        sender: str | None
        if require_sender or environ.get(SENDER_EMAIL.env):
            sender = str(SENDER_EMAIL.parse(environ.get(SENDER_EMAIL.env)))
        else:
            sender = None
        otp = OtpSettings(
            length=int(OTP_LENGTH.parse(environ.get(OTP_LENGTH.env))),
            ttl_seconds=int(OTP_TTL_SECONDS.parse(environ.get(OTP_TTL_SECONDS.env))),
            max_attempts=int(OTP_MAX_ATTEMPTS.parse(environ.get(OTP_MAX_ATTEMPTS.env))),
            max_codes=int(OTP_MAX_CODES.parse(environ.get(OTP_MAX_CODES.env))),
            resend_cooldown_seconds=int(
                OTP_RESEND_COOLDOWN_SECONDS.parse(environ.get(OTP_RESEND_COOLDOWN_SECONDS.env))
            ),
        )
        return cls(
            sender_email=sender,
            app_name=str(APP_NAME.parse(environ.get(APP_NAME.env))),
            default_locale=str(DEFAULT_LOCALE.parse(environ.get(DEFAULT_LOCALE.env))),
            otp=otp,
            limits=account_limits_from_lookup(lambda s: environ.get(s.env)),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings (for Lambda and the local stack)."""
        env = {
            APP_NAME.env: self.app_name,
            DEFAULT_LOCALE.env: self.default_locale,
            OTP_LENGTH.env: str(self.otp.length),
            OTP_TTL_SECONDS.env: str(self.otp.ttl_seconds),
            OTP_MAX_ATTEMPTS.env: str(self.otp.max_attempts),
            OTP_MAX_CODES.env: str(self.otp.max_codes),
            OTP_RESEND_COOLDOWN_SECONDS.env: str(self.otp.resend_cooldown_seconds),
            OTP_LOCK_THRESHOLD.env: str(self.limits.lock_threshold),
            OTP_LOCK_WINDOW_SECONDS.env: str(self.limits.lock_window_seconds),
            OTP_LOCK_SECONDS.env: str(self.limits.lock_seconds),
            OTP_MAX_CODES_PER_HOUR.env: str(self.limits.max_codes_per_hour),
        }
        if self.sender_email:
            env[SENDER_EMAIL.env] = self.sender_email
        return env


# --- The user-pool settings (Cognito itself; read by the Pulumi program and the emulator) ---

PASSWORD_MIN_LENGTH: Final = Setting(
    "PASSWORD_MIN_LENGTH",
    "passwordMinLength",
    "Minimum password length enforced by the user pool.",
    12,
    minimum=8,
    maximum=99,
)
AUTH_SESSION_VALIDITY_MINUTES: Final = Setting(
    "AUTH_SESSION_VALIDITY_MINUTES",
    "authSessionValidityMinutes",
    "Minutes a sign-in session (password proven, code pending) stays usable.",
    3,
    minimum=3,
    maximum=15,
)
ID_TOKEN_VALIDITY_MINUTES: Final = Setting(
    "ID_TOKEN_VALIDITY_MINUTES",
    "idTokenValidityMinutes",
    "Lifetime of ID tokens in minutes.",
    60,
    minimum=5,
    maximum=1440,
)
ACCESS_TOKEN_VALIDITY_MINUTES: Final = Setting(
    "ACCESS_TOKEN_VALIDITY_MINUTES",
    "accessTokenValidityMinutes",
    "Lifetime of access tokens in minutes.",
    60,
    minimum=5,
    maximum=1440,
)
REFRESH_TOKEN_VALIDITY_DAYS: Final = Setting(
    "REFRESH_TOKEN_VALIDITY_DAYS",
    "refreshTokenValidityDays",
    "Lifetime of refresh tokens in days; it bounds how long a browser stays signed in.",
    30,
    minimum=1,
    maximum=3650,
)

POOL_SETTINGS: Final = (
    PASSWORD_MIN_LENGTH,
    AUTH_SESSION_VALIDITY_MINUTES,
    ID_TOKEN_VALIDITY_MINUTES,
    ACCESS_TOKEN_VALIDITY_MINUTES,
    REFRESH_TOKEN_VALIDITY_DAYS,
)


class PasswordPolicy(NamedTuple):
    """The pool's password rules; the web app shows and checks the same ones before calling."""

    minimum_length: int = int(PASSWORD_MIN_LENGTH.default or 0)
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = False
    temporary_password_validity_days: int = 7


class PoolSettings(NamedTuple):
    """How the user pool and its app client are configured, deployed or local."""

    password: PasswordPolicy = PasswordPolicy()
    auth_session_validity_minutes: int = int(AUTH_SESSION_VALIDITY_MINUTES.default or 0)
    id_token_validity_minutes: int = int(ID_TOKEN_VALIDITY_MINUTES.default or 0)
    access_token_validity_minutes: int = int(ACCESS_TOKEN_VALIDITY_MINUTES.default or 0)
    refresh_token_validity_days: int = int(REFRESH_TOKEN_VALIDITY_DAYS.default or 0)


def _getter(
    lookup: Callable[[Setting], object], source: Callable[[Setting], str] | None
) -> Callable[[Setting], Any]:
    def get(setting: Setting) -> Any:
        return setting.parse(lookup(setting), source=source(setting) if source else None)

    return get


def account_limits_from_lookup(
    lookup: Callable[[Setting], object], *, source: Callable[[Setting], str] | None = None
) -> AccountLimitSettings:
    """The per-account limits from any key/value source."""
    get = _getter(lookup, source)
    return AccountLimitSettings(
        lock_threshold=get(OTP_LOCK_THRESHOLD),
        lock_window_seconds=get(OTP_LOCK_WINDOW_SECONDS),
        lock_seconds=get(OTP_LOCK_SECONDS),
        max_codes_per_hour=get(OTP_MAX_CODES_PER_HOUR),
    )


def pool_settings_from_lookup(
    lookup: Callable[[Setting], object], *, source: Callable[[Setting], str] | None = None
) -> PoolSettings:
    """The pool's settings from any key/value source (the web app reads them from its env)."""
    get = _getter(lookup, source)
    return PoolSettings(
        password=PasswordPolicy(minimum_length=get(PASSWORD_MIN_LENGTH)),
        auth_session_validity_minutes=get(AUTH_SESSION_VALIDITY_MINUTES),
        id_token_validity_minutes=get(ID_TOKEN_VALIDITY_MINUTES),
        access_token_validity_minutes=get(ACCESS_TOKEN_VALIDITY_MINUTES),
        refresh_token_validity_days=get(REFRESH_TOKEN_VALIDITY_DAYS),
    )


def pool_settings_to_env(pool: PoolSettings) -> dict[str, str]:
    """The environment that reproduces the pool's settings (given to the web app's tasks)."""
    return {
        PASSWORD_MIN_LENGTH.env: str(pool.password.minimum_length),
        AUTH_SESSION_VALIDITY_MINUTES.env: str(pool.auth_session_validity_minutes),
        ID_TOKEN_VALIDITY_MINUTES.env: str(pool.id_token_validity_minutes),
        ACCESS_TOKEN_VALIDITY_MINUTES.env: str(pool.access_token_validity_minutes),
        REFRESH_TOKEN_VALIDITY_DAYS.env: str(pool.refresh_token_validity_days),
    }


class LoginSettings(NamedTuple):
    """Everything that shapes the login: the triggers' settings plus the pool's."""

    triggers: TriggerSettings
    pool: PoolSettings

    @classmethod
    def from_lookup(
        cls, lookup: Callable[[Setting], object], *, source: Callable[[Setting], str] | None = None
    ) -> LoginSettings:
        """Build from any key/value source (Pulumi config, environment, a dict).

        `lookup` returns the raw value of a setting or None when unset; `source` names the
        setting in error messages (the Pulumi key, for instance).
        """
        get = _getter(lookup, source)
        otp = OtpSettings(
            length=get(OTP_LENGTH),
            ttl_seconds=get(OTP_TTL_SECONDS),
            max_attempts=get(OTP_MAX_ATTEMPTS),
            max_codes=get(OTP_MAX_CODES),
            resend_cooldown_seconds=get(OTP_RESEND_COOLDOWN_SECONDS),
        )
        triggers = TriggerSettings(
            sender_email=get(SENDER_EMAIL),
            app_name=get(APP_NAME),
            default_locale=get(DEFAULT_LOCALE),
            otp=otp,
            limits=account_limits_from_lookup(lookup, source=source),
        )
        return cls(triggers=triggers, pool=pool_settings_from_lookup(lookup, source=source))

    @classmethod
    def local(cls, sender_email: str = "no-reply@example.com") -> LoginSettings:
        """The defaults, as the local stack runs them (the sender only needs to look real)."""
        values = {SENDER_EMAIL.env: sender_email}
        return cls.from_lookup(lambda s: values.get(s.env))


ALL_SETTINGS: Final = TRIGGER_SETTINGS + POOL_SETTINGS
