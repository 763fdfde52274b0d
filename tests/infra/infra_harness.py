"""Run the Pulumi program under mocks and record what it would create.

One style for the whole suite (field-notes): every test runs a fresh program. `run_program`
installs new mocks and config BEFORE the program is executed, runs it inside
`@pulumi.runtime.test` with preview=False, returns the resolved exports, and only then hands back
the recorded resources; `pulumi.runtime.test` waits for every outstanding registration, so plain
assertions on the record afterwards cannot be lost or race.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pulumi
import yaml
from pulumi.runtime.mocks import MockMonitor

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "__main__.py"
PROJECT_FILE = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
PROJECT = PROJECT_FILE["name"]
ACCOUNT = "123456789012"
REGION = "eu-west-1"
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
DKIM_TOKENS = ["tokena", "tokenb", "tokenc"]
RANDOM_PASSWORD = "generated-at-deploy-time-0123456789"
ORIGIN_SECRET = "origin-header-value-generated-at-deploy-time-42"
CACHE_PASSWORD = "cachePasswordGeneratedAtDeploy0123456789"
RANDOM_BY_LENGTH = {64: RANDOM_PASSWORD, 48: ORIGIN_SECRET, 40: CACHE_PASSWORD}
"""get_random_password's answer by the length asked: the storage secret, CloudFront's origin
header, the session cache's password."""
CACHE_ENDPOINT = "sessions-cache-abc123.serverless.euw1.cache.amazonaws.com"
PREFIX_LIST_ID = "pl-4fa04526"
UNIQUE_SUFFIX = "20260101120000000000000001"
"""What the AWS provider appends to a name_prefix (terraform's PrefixedUniqueId: 26 digits)."""

# What a user must set before `pulumi up`: the stack files ship with example values that
# load_stack_config refuses (example.com, the placeholder certificate ARN).
USER_DOMAIN = "login.northwind-traders.io"
SITE_DOMAIN = "app.northwind-traders.io"
USER_VALUES: dict[str, dict[str, str]] = {
    "dev": {"senderEmail": f"no-reply@{USER_DOMAIN}"},
    "prod": {
        "senderEmail": f"no-reply@{USER_DOMAIN}",
        "senderDomain": USER_DOMAIN,
        "domainName": SITE_DOMAIN,
        "certificateArn": (
            "arn:aws:acm:eu-west-1:210987654321:certificate/6c1f4b1e-8a51-4c52-9f8a-1f3c8b2d7e90"
        ),
    },
}


def stack_file_config(stack: str) -> dict[str, str]:
    """A stack's file merged over Pulumi.yaml's defaults, as the Pulumi CLI hands it over.

    Values become strings the way the CLI's createConfigValue formats them (`%v`).
    """
    data = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    merged: dict[str, str] = {}
    for key, spec in PROJECT_FILE["config"].items():
        if "default" in spec:
            merged[f"{PROJECT}:{key}"] = _as_config_text(spec["default"])
    for key, value in data.items():
        merged[key] = _as_config_text(value)
    return merged


def _as_config_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def config_for(stack: str, **overrides: str | None) -> dict[str, str]:
    """The stack's config with the user's own values (USER_VALUES), then some keys replaced
    (None removes a key)."""
    config = stack_file_config(stack)
    for key, value in {**USER_VALUES.get(stack, {}), **overrides}.items():
        if value is None:
            config.pop(f"{PROJECT}:{key}", None)
        else:
            config[f"{PROJECT}:{key}"] = value
    return config


@dataclass
class Resource:
    urn: str
    typ: str
    name: str
    inputs: dict[str, Any]
    """What the program passed (camelCase keys, as the engine sees them)."""
    state: dict[str, Any]
    """Inputs plus the outputs the mocks computed (id, arn, ...)."""
    dependencies: list[str]
    """URNs the engine must create first (depends_on and every input's resources)."""
    ignore_changes: list[str] = field(default_factory=list)
    """Inputs whose later changes the engine ignores (ResourceOptions.ignore_changes)."""

    @property
    def parent_type(self) -> str | None:
        """Type of the direct parent, read from the URN's type chain."""
        chain = self.urn.split("::")[2].split("$")
        return chain[-2] if len(chain) > 1 else None


@dataclass
class Program:
    exports: dict[str, Any]
    resources: list[Resource]
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of_type(self, typ: str) -> list[Resource]:
        return [r for r in self.resources if r.typ == typ]

    def one(self, typ: str, name: str | None = None) -> Resource:
        found = [r for r in self.of_type(typ) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {typ} {name or ''}, found {[r.name for r in found]}"
        return found[0]

    def by_id(self, resource_id: str) -> Resource:
        found = [r for r in self.resources if r.state.get("id") == resource_id]
        assert len(found) == 1, f"no single resource with id {resource_id}"
        return found[0]

    def by_arn(self, arn: str) -> Resource:
        found = [r for r in self.resources if r.state.get("arn") == arn]
        assert len(found) == 1, f"no single resource with arn {arn}"
        return found[0]

    def policies(self) -> list[tuple[Resource, dict[str, Any]]]:
        """Every IAM policy document the program creates (inline role policies), parsed."""
        return [
            (r, json.loads(r.inputs["policy"]))
            for r in self.of_type("aws:iam/rolePolicy:RolePolicy")
        ]


def _service(typ: str) -> str:
    return typ.split(":")[1].split("/", maxsplit=1)[0]


class RecordingMocks(pulumi.runtime.Mocks):
    """Echo inputs back as state and add the computed outputs the program reads."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.inputs: dict[tuple[str, str], dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        typ, name, inputs = args.typ, args.name, dict(args.inputs)
        self.inputs[(typ, name)] = inputs
        resource_id = f"{name}-{typ.split(':')[-1].lower()}-id"
        state: dict[str, Any] = {**inputs, "id": resource_id}
        state.setdefault("name", inputs.get("name", name))
        state["arn"] = (
            f"arn:aws:{_service(typ)}:{REGION}:{ACCOUNT}:{typ.split(':')[-1].lower()}/{name}"
        )
        if typ == "aws:iam/role:Role":
            state["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{name}"  # IAM is global: no region
        elif typ == "aws:sesv2/emailIdentity:EmailIdentity":
            identity = inputs["emailIdentity"]
            state["arn"] = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{identity}"
            state["verificationStatus"] = "PENDING"
            state["dkimSigningAttributes"] = {"tokens": [] if "@" in identity else DKIM_TOKENS}
        elif typ == "aws:ecr/repository:Repository":
            state["repositoryUrl"] = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}"
            state["registryId"] = ACCOUNT
            state["arn"] = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}"
        elif typ == "aws:lb/loadBalancer:LoadBalancer":
            state["dnsName"] = f"{name}-123.{REGION}.elb.amazonaws.com"
            state["arnSuffix"] = f"app/{name}/0123456789abcdef"
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            group = inputs.get("name") or inputs["namePrefix"] + UNIQUE_SUFFIX
            state["name"] = group
            state["arn"] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
        elif typ == "aws:lb/targetGroup:TargetGroup":
            state["arnSuffix"] = f"targetgroup/{name}/0123456789abcdef"
        elif typ == "aws:cloudfront/distribution:Distribution":
            state["domainName"] = "d111111abcdef8.cloudfront.net"
            state["arn"] = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"
        elif typ == "aws:sesv2/configurationSet:ConfigurationSet":
            set_name = inputs["configurationSetName"]
            state["arn"] = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{set_name}"
        elif typ == "aws:secretsmanager/secret:Secret":
            state["arn"] = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf"
        elif typ == "aws:cognito/userPool:UserPool":
            resource_id = f"{REGION}_TestPool"
            state["id"] = resource_id
            state["arn"] = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{resource_id}"
        elif typ == "aws:lambda/function:Function":
            state["name"] = f"{name}-fn"
            state["arn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}-fn"
        elif typ == "aws:elasticache/serverlessCache:ServerlessCache":
            state["name"] = f"{name}-1a2b3c4"
            state["arn"] = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:serverlesscache:{name}-1a2b3c4"
            state["endpoints"] = [{"address": CACHE_ENDPOINT, "port": 6379}]
            state["readerEndpoints"] = [{"address": CACHE_ENDPOINT, "port": 6380}]
        elif typ in {"aws:elasticache/user:User", "aws:elasticache/userGroup:UserGroup"}:
            kind = "user" if typ.endswith(":User") else "usergroup"
            ident = inputs.get("userId") or inputs["userGroupId"]
            state["arn"] = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:{kind}:{ident}"
        elif typ == "aws:s3/bucket:Bucket":
            state["bucket"] = f"{name}-1a2b3c4"
            state["arn"] = f"arn:aws:s3:::{name}-1a2b3c4"
            state["id"] = resource_id = f"{name}-1a2b3c4"
        elif typ == "aws:wafv2/webAcl:WebAcl":
            state["arn"] = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/{name}/0a1b2c3d"
        elif typ == "docker-build:index:Image":
            state["ref"] = f"{inputs['tags'][0]}@sha256:{'0' * 64}"
        return resource_id, state

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[Any]] | dict[str, Any]:
        self.calls.append((args.token, dict(args.args)))
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"names": ZONES, "zoneIds": ["euw1-az1", "euw1-az2", "euw1-az3"], "id": REGION}
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION, "id": REGION}
        if args.token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                "userName": "AWS",
                "password": "ecr-token",
                "proxyEndpoint": f"https://{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com",
                "authorizationToken": "dG9rZW4=",
            }
        if args.token == "aws:secretsmanager/getRandomPassword:getRandomPassword":
            length = int(args.args.get("passwordLength", 0))
            assert length in RANDOM_BY_LENGTH, f"a random password of unknown use ({length})"
            return {"randomPassword": RANDOM_BY_LENGTH[length], "id": "random"}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/deployer",
                "userId": "AIDAEXAMPLE",
                "id": ACCOUNT,
            }
        if args.token == "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            assert args.args.get("name") == "com.amazonaws.global.cloudfront.origin-facing"
            return {"id": PREFIX_LIST_ID, "name": args.args["name"], "maxEntries": 55}
        raise AssertionError(f"unexpected invoke {args.token}")


class RecordingMonitor(MockMonitor):
    """The stock mock monitor, also keeping each registration's dependencies."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.dependencies: dict[str, list[str]] = {}
        self.ignore_changes: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.dependencies[response.urn] = list(request.dependencies)
        self.ignore_changes[response.urn] = list(request.ignoreChanges)
        return response


def run_program(config: Mapping[str, str], stack: str = "dev") -> Program:
    """Run __main__.py with fresh mocks and this config; return exports and the record."""
    mocks = RecordingMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(dict(config))
    exported: dict[str, Any] = {}
    resolved: dict[str, Any] = {}

    def record_export(name: str, value: Any) -> None:
        exported[name] = value

    @pulumi.runtime.test
    def run() -> pulumi.Output[None]:
        with mock.patch.object(pulumi, "export", record_export):
            runpy.run_path(str(MAIN), run_name="__main__")
        return pulumi.Output.all(**exported).apply(resolved.update)

    run()
    resources = []
    for urn, registration in monitor.get_registered_resources().items():
        typ, name = urn.split("::")[2].split("$")[-1], urn.split("::")[3]
        state = dict(registration.state)
        state.setdefault("id", registration.id)
        inputs = mocks.inputs.get((typ, name), {})
        resources.append(
            Resource(
                urn,
                typ,
                name,
                inputs,
                state,
                monitor.dependencies.get(urn, []),
                monitor.ignore_changes.get(urn, []),
            )
        )
    return Program(exports=resolved, resources=resources, calls=mocks.calls)


def unsecret(value: Any) -> tuple[bool, Any]:
    """(is it marked secret?, the plain value) for an input as the mock monitor received it."""
    from pulumi.runtime import rpc

    if isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return True, value["value"]
    return False, value
