"""Sessions: the shared session cache (ElastiCache Serverless for Valkey) and what the tasks get.

The prod stack (sessionStore redis) gets the cache, its users, its security group and two task
secrets; the dev stack (sessionStore memory, one task) gets none of it. The app user's access
string is proven against a real redis-server driven by the web app's own store and rate limits:
what the app does works, anything else is refused.
"""

from __future__ import annotations

import base64
import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from infra_harness import (
    CACHE_ENDPOINT,
    CACHE_PASSWORD,
    PROJECT,
    RANDOM_PASSWORD,
    Program,
    Resource,
    config_for,
    run_program,
    unsecret,
)
from limits.aio.storage import RedisStorage

from functions.settings import SettingError
from infra.config import load_stack_config
from infra.sessions import (
    APP_KEY_PATTERNS,
    CACHE_PORT,
    DISABLED_ACCESS,
    MAJOR_ENGINE_VERSION,
    app_access_string,
    cache_ids,
)

CACHE = "aws:elasticache/serverlessCache:ServerlessCache"
USER = "aws:elasticache/user:User"
GROUP = "aws:elasticache/userGroup:UserGroup"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SECRET = "aws:secretsmanager/secret:Secret"


@pytest.fixture(scope="module")
def prod() -> Program:
    return run_program(config_for("prod"), stack="prod")


def _container(program: Program) -> dict[str, Any]:
    (container,) = json.loads(
        program.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    )
    return dict(container)


def _plain(value: Any) -> Any:
    return unsecret(value)[1]


def test_a_serverless_valkey_cache_in_the_private_subnets_with_usage_limits(
    prod: Program,
) -> None:
    cache = prod.one(CACHE).inputs
    assert cache["engine"] == "valkey"
    assert cache["majorEngineVersion"] == MAJOR_ENGINE_VERSION == "9"
    private = sorted(
        s.state["id"] for s in prod.of_type("aws:ec2/subnet:Subnet") if "private" in s.name
    )
    assert sorted(cache["subnetIds"]) == private, "never in a public subnet"
    group = prod.one("aws:ec2/securityGroup:SecurityGroup", "sessions-cache-sg")
    assert cache["securityGroupIds"] == [group.state["id"]], "its own group, not the VPC default"
    assert cache["userGroupId"] == prod.one(GROUP).inputs["userGroupId"]
    assert cache["cacheUsageLimits"] == {
        "dataStorage": {"maximum": 1, "unit": "GB"},
        "ecpuPerSeconds": [{"maximum": 5000}],
    }
    assert cache["snapshotRetentionLimit"] == 0, "no copies of sealed sessions"


def test_the_usage_limits_follow_the_config() -> None:
    program = run_program(
        config_for("prod", sessionCacheMaxGb="5", sessionCacheMaxEcpuPerSecond="20000"),
        stack="prod",
    )
    assert program.one(CACHE).inputs["cacheUsageLimits"] == {
        "dataStorage": {"maximum": 5, "unit": "GB"},
        "ecpuPerSeconds": [{"maximum": 20000}],
    }


def test_the_app_user_and_a_switched_off_default_user_form_the_group(prod: Program) -> None:
    users = {u.inputs["userName"]: u for u in prod.of_type(USER)}
    group_id, app_id, default_id = cache_ids(PROJECT, "prod")
    assert set(users) == {"default", app_id}
    app, default = users[app_id], users["default"]
    assert app.inputs["userId"] == app_id
    assert default.inputs["userId"] == default_id
    for user in (app, default):
        assert user.inputs["engine"] == "valkey"
    group = prod.one(GROUP).inputs
    assert group["engine"] == "valkey"
    assert group["userGroupId"] == group_id
    # ElastiCache requires a user named `default` in every group: an unauthenticated connection
    # becomes it, so it must be able to do nothing.
    assert sorted(group["userIds"]) == sorted([app_id, default_id])
    assert default.inputs["accessString"] == DISABLED_ACCESS == "off -@all"
    assert app.inputs["accessString"] == (
        "on ~login:* ~LIMITS:* -@all +@connection +@read +@write +@scripting -@dangerous"
    )
    is_secret, passwords = unsecret(app.inputs["passwords"])
    assert [_plain(p) for p in passwords] == [CACHE_PASSWORD]
    default_secret, default_passwords = unsecret(default.inputs["passwords"])
    assert default_secret or all(unsecret(p)[0] for p in default_passwords)
    assert "passwords" in default.ignore_changes, "a new random password each run is ignored"
    assert is_secret or all(unsecret(p)[0] for p in passwords)


def test_the_ids_are_valid_and_unique_per_project_and_stack() -> None:
    seen = set()
    for project, stack in (("a", "dev"), ("b", "dev"), ("a", "prod"), ("a", "9-Odd_Stack.name")):
        ids = cache_ids(project, stack)
        for ident in ids:
            assert ident[0].isalpha(), ident
            assert "--" not in ident, ident
            assert len(ident) <= 40, ident
            assert all(c.isalnum() or c == "-" for c in ident), ident
        seen.add(ids)
    assert len(seen) == 4


def test_the_password_is_generated_once_into_secrets_manager(prod: Program) -> None:
    version = prod.one(VERSION, "sessions-cache-password")
    assert unsecret(version.inputs["secretString"]) == (True, CACHE_PASSWORD)
    assert "secretString" in version.ignore_changes, "kept across deployments"
    # The user and the URL take the *stored* value (the invoke draws a new one on every run).
    app = next(u for u in prod.of_type(USER) if u.inputs["userName"] != "default")
    assert version.urn in app.dependencies
    assert version.urn in prod.one(VERSION, "sessions-redis-url").dependencies
    secret = prod.one(SECRET, "sessions-cache-password")
    assert version.inputs["secretId"] == secret.state["id"]
    random = [a for t, a in prod.calls if t.endswith("getRandomPassword")]
    asked = next(a for a in random if a["passwordLength"] == len(CACHE_PASSWORD))
    assert asked["excludePunctuation"] is True, "no '@' or '/' in a URL's password"
    assert 16 <= len(CACHE_PASSWORD) <= 128


def test_redis_url_is_a_tls_url_of_the_app_user_built_from_the_cache(prod: Program) -> None:
    version = prod.one(VERSION, "sessions-redis-url")
    is_secret, url = unsecret(version.inputs["secretString"])
    assert is_secret
    _, app_id, _ = cache_ids(PROJECT, "prod")
    assert url == f"rediss://{app_id}:{CACHE_PASSWORD}@{CACHE_ENDPOINT}:{CACHE_PORT}/0"
    # The URL follows the cache's endpoint (no ignore_changes), and redis-py reads it as TLS.
    assert "secretString" not in version.ignore_changes
    parsed = redis.connection.parse_url(url)
    assert parsed["connection_class"] is redis.connection.SSLConnection
    assert (parsed["username"], parsed["password"]) == (app_id, CACHE_PASSWORD)
    assert (parsed["host"], parsed["port"], parsed["db"]) == (CACHE_ENDPOINT, 6379, 0)
    assert prod.one(CACHE).state["endpoints"][0]["port"] == CACHE_PORT


def test_the_encryption_key_is_32_random_bytes_of_its_own(prod: Program) -> None:
    version = prod.one(VERSION, "sessions-encryption-key")
    is_secret, key = unsecret(version.inputs["secretString"])
    assert is_secret
    assert len(base64.b64decode(key, validate=True)) == 32
    assert key != RANDOM_PASSWORD, "not the cookie-signing storage secret"
    assert "secretString" in version.ignore_changes, "a new key would unseal nothing stored"
    other = run_program(config_for("prod"), stack="prod")
    other_key = unsecret(other.one(VERSION, "sessions-encryption-key").inputs["secretString"])[1]
    assert other_key != key, "drawn at random, not derived from anything in the program"


def _plain_occurrences(value: Any, needle: str) -> int:
    is_secret, plain = unsecret(value)
    if is_secret:
        return 0
    if isinstance(plain, dict):
        return sum(_plain_occurrences(v, needle) for v in plain.values())
    if isinstance(plain, list):
        return sum(_plain_occurrences(v, needle) for v in plain)
    return int(needle in str(plain))


def test_the_password_url_and_key_appear_nowhere_in_the_clear(prod: Program) -> None:
    key = unsecret(prod.one(VERSION, "sessions-encryption-key").inputs["secretString"])[1]
    for needle in (CACHE_PASSWORD, key):
        holders: list[Resource] = [
            r for r in prod.resources if needle in json.dumps(r.inputs, default=str)
        ]
        assert holders, needle
        for resource in holders:
            assert _plain_occurrences(resource.inputs, needle) == 0, resource.urn
        assert needle not in json.dumps(prod.exports, default=str)
    definitions = prod.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    assert CACHE_PASSWORD not in definitions
    assert key not in definitions


def test_the_tasks_get_both_as_secrets_and_the_app_its_limits(prod: Program) -> None:
    container = _container(prod)
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets["REDIS_URL"] == prod.one(SECRET, "sessions-redis-url").state["arn"]
    assert (
        secrets["SESSION_ENCRYPTION_KEY"]
        == prod.one(SECRET, "sessions-encryption-key").state["arn"]
    )
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["MAX_TASKS"] == "6"
    assert "REDIS_URL" not in env


def test_the_service_starts_once_the_cache_and_its_secrets_exist(prod: Program) -> None:
    service = prod.one("aws:ecs/service:Service")
    for resource in (
        prod.one(CACHE),
        prod.one(VERSION, "sessions-redis-url"),
        prod.one(VERSION, "sessions-encryption-key"),
        prod.one(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web-cache-in-service"
        ),
        prod.one(
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "web-service-out-cache"
        ),
    ):
        assert resource.urn in service.dependencies, resource.name


def test_a_memory_stack_has_no_cache_no_redis_url_and_one_task() -> None:
    program = run_program(config_for("dev"), stack="dev")
    assert not [r for r in program.resources if r.typ.startswith("aws:elasticache/")]
    assert not [r for r in program.resources if r.name.startswith("sessions-")]
    container = _container(program)
    assert [s["name"] for s in container["secrets"]] == ["STORAGE_SECRET"]
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["MAX_TASKS"] == "1"
    assert "REDIS_URL" not in env
    assert "SESSION_ENCRYPTION_KEY" not in env
    assert program.exports["sessionStore"] == "memory"


def _lookup(config: dict[str, str]) -> Any:
    return lambda key: config.get(f"{PROJECT}:{key}")


def test_memory_sessions_with_more_than_one_task_are_refused() -> None:
    config = config_for("dev", maxCount="2")
    with pytest.raises(
        SettingError, match="sessionStore is memory but maxCount is 2: each task would keep"
    ):
        load_stack_config(_lookup(config))
    with pytest.raises(SettingError, match="Set sessionStore to redis, or maxCount"):
        run_program(config, stack="dev")
    assert load_stack_config(_lookup(config_for("dev"))).session_store == "memory"
    redis_dev = load_stack_config(_lookup(config_for("dev", maxCount="2", sessionStore="redis")))
    assert redis_dev.session_store == "redis"


def test_the_key_patterns_cover_every_key_the_app_writes() -> None:
    from webapp.browser_store import KEY_PREFIX, redis_key

    assert any(fnmatch.fnmatchcase(redis_key("any-browser"), p) for p in APP_KEY_PATTERNS)
    assert KEY_PREFIX.startswith("login:")
    assert any(fnmatch.fnmatchcase(f"{RedisStorage.PREFIX}:x", p) for p in APP_KEY_PATTERNS)


# --- the access string against a real server, driven by the app's own code ----------------------


@pytest.fixture
def acl_server(tmp_path: Path) -> Any:
    from tests.redis_server import PASSWORD, redis_server

    with redis_server(tmp_path) as server:
        admin = redis.Redis(port=server.port, password=PASSWORD, socket_timeout=5)
        # ElastiCache passes the access string to the engine's ACL; passwords go separately.
        admin.execute_command(
            "ACL", "SETUSER", "app", "reset", ">app-password", *app_access_string().split()
        )
        yield server
        admin.close()


async def test_the_app_can_do_what_it_does_with_its_access_string(acl_server: Any) -> None:
    from webapp.browser_store import RedisBrowserStore
    from webapp.rate_limits import RateLimits, Rule
    from webapp.sealing import Sealer

    url = f"redis://app:app-password@127.0.0.1:{acl_server.port}/0"
    store = RedisBrowserStore.from_url(url, Sealer(b"k" * 32))
    try:
        assert await store.healthy()
        record = {"step": "code", "email": "a@b.example"}
        await store.save("browser-1", record, expires_at=4102444800.0)
        assert await store.load("browser-1") == record
        await store.delete("browser-1")
        assert await store.load("browser-1") is None
    finally:
        await store.close()
    limits = RateLimits({"signin": Rule("2/minute", "2/minute")}, b"h" * 32, url)
    assert await limits.allow("signin", "192.0.2.1", "a@b.example")
    assert await limits.allow("signin", "192.0.2.1", "a@b.example")
    assert not await limits.allow("signin", "192.0.2.1", "a@b.example"), "counted in Redis"


@pytest.mark.parametrize(
    "command",
    [
        ("FLUSHALL",),
        ("KEYS", "*"),
        ("CONFIG", "GET", "*"),
        ("SET", "other:key", "x"),
        ("GET", "other:key"),
        ("CLIENT", "KILL", "ID", "1"),
        ("ACL", "LIST"),
        ("SWAPDB", "0", "1"),
        ("REPLICAOF", "NO", "ONE"),
    ],
)
def test_anything_else_is_refused(acl_server: Any, command: tuple[str, ...]) -> None:
    client = redis.Redis(
        port=acl_server.port, username="app", password="app-password", socket_timeout=5
    )
    try:
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.execute_command(*command)
    finally:
        client.close()


def test_the_default_user_switched_off_can_do_nothing(acl_server: Any) -> None:
    from tests.redis_server import PASSWORD

    admin = redis.Redis(port=acl_server.port, password=PASSWORD, socket_timeout=5)
    admin.execute_command("ACL", "SETUSER", "default", *DISABLED_ACCESS.split())
    anonymous = redis.Redis(port=acl_server.port, socket_timeout=5)
    try:
        with pytest.raises(redis.exceptions.RedisError):
            anonymous.ping()
        with pytest.raises(redis.exceptions.RedisError):
            anonymous.get("login:browser:x")
    finally:
        anonymous.close()
        admin.close()
