"""Modes, ports, the storage secret and cookie flags come from the environment, checked."""

from __future__ import annotations

import pytest

from webapp.app import run_options, startup_banner
from webapp.config import (
    ALB_IDLE_TIMEOUT_SECONDS,
    ConfigError,
    config_from_env,
    mode_from_env,
)

COGNITO = {
    "USER_POOL_ID": "eu-west-1_abc",
    "CLIENT_ID": "client",
    "AWS_REGION": "eu-west-1",
    "TRUSTED_HOSTS": "login.example.com",
}


def test_no_cognito_variables_means_local_mode_with_a_random_secret() -> None:
    first, second = config_from_env({}), config_from_env({})
    assert first.mode == "local"
    assert first.host == "127.0.0.1"
    assert first.port == 8080
    assert len(first.storage_secret) >= 32
    assert first.storage_secret != second.storage_secret
    assert first.cookie_secure is False


def test_cognito_mode_requires_a_storage_secret() -> None:
    with pytest.raises(ConfigError, match="STORAGE_SECRET"):
        config_from_env(COGNITO)


def test_cognito_mode_defaults_to_secure_cookies_and_trusts_the_load_balancer() -> None:
    config = config_from_env({**COGNITO, "STORAGE_SECRET": "s" * 40})
    assert config.mode == "cognito"
    assert config.cookie_secure is True
    assert config.forwarded_allow_ips == "*"
    kwargs = config.session_middleware_kwargs()
    assert kwargs["https_only"] is True
    assert kwargs["same_site"] == "lax"


def test_cookie_secure_can_be_turned_off_and_bad_values_are_refused() -> None:
    env = {**COGNITO, "STORAGE_SECRET": "x" * 40}
    assert config_from_env({**env, "COOKIE_SECURE": "false"}).cookie_secure is False
    with pytest.raises(ConfigError, match="COOKIE_SECURE"):
        config_from_env({**env, "COOKIE_SECURE": "maybe"})


def test_half_a_cognito_configuration_is_refused() -> None:
    with pytest.raises(ConfigError, match="CLIENT_ID"):
        mode_from_env({"USER_POOL_ID": "p", "AWS_REGION": "r"})


@pytest.mark.parametrize("port", ["0", "70000", "http", "-1"])
def test_bad_ports_are_refused(port: str) -> None:
    with pytest.raises(ConfigError, match="PORT"):
        config_from_env({"PORT": port})


def test_host_and_port_are_read() -> None:
    config = config_from_env({"HOST": "0.0.0.0", "PORT": "9000"})  # noqa: S104
    assert (config.host, config.port) == ("0.0.0.0", 9000)  # noqa: S104
    assert config.base_url == "http://127.0.0.1:9000"


def test_run_options_are_production_safe() -> None:
    config = config_from_env({**COGNITO, "STORAGE_SECRET": "y" * 40})
    options = run_options(config)
    assert options["reload"] is False
    assert options["show"] is False
    assert options["storage_secret"] == "y" * 40
    assert options["forwarded_allow_ips"] == "*"
    assert options["session_middleware_kwargs"]["https_only"] is True
    # NiceGUI pings every 0.8 * reconnect_timeout: it must stay under the ALB idle timeout.
    assert 0.8 * options["reconnect_timeout"] < ALB_IDLE_TIMEOUT_SECONDS


def test_banner_names_the_mailbox_only_locally() -> None:
    assert "/dev/mailbox" in startup_banner(config_from_env({"PORT": "8123"}))
    assert "http://127.0.0.1:8123/" in startup_banner(config_from_env({"PORT": "8123"}))
    cognito = config_from_env({**COGNITO, "STORAGE_SECRET": "z" * 40})
    assert "/dev/mailbox" not in startup_banner(cognito)
