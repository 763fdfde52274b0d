"""Firewall: the WAF on the load balancer and the load balancer's access logs.

The rules are checked as data and also evaluated on sample requests by a small model of the WAF
statements they use, so "the socket.io rule counts handshakes, not every long-poll" is a tested
fact rather than a reading of the JSON.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from infra_harness import ACCOUNT, ROOT, Program, config_for, run_program, unsecret

from infra.firewall import (
    ELB_LOG_PRINCIPAL,
    MANAGED_RULE_GROUPS,
    SIGN_IN_PATHS,
    SOCKET_PATH,
    log_writer_principal,
)

ACL = "aws:wafv2/webAcl:WebAcl"
BUCKET = "aws:s3/bucket:Bucket"


@pytest.fixture(scope="module", params=["dev", "prod"])
def program(request: pytest.FixtureRequest) -> Program:
    return run_program(config_for(str(request.param)), stack=str(request.param))


@pytest.fixture(scope="module")
def prod_rules() -> dict[str, dict[str, Any]]:
    return _rules(run_program(config_for("prod"), stack="prod"))


def _plain(value: Any) -> Any:
    """A recorded input without secret markers, recursively (the rules carry none)."""
    value = unsecret(value)[1]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rules(program: Program) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in _plain(program.one(ACL).inputs["rules"])}


def _behind_cloudfront(program: Program) -> bool:
    return bool(program.of_type("aws:cloudfront/distribution:Distribution"))


def test_a_regional_web_acl_on_the_load_balancer(program: Program) -> None:
    acl = program.one(ACL)
    assert acl.inputs["scope"] == "REGIONAL"
    assert acl.inputs["defaultAction"] == {"allow": {}}
    association = program.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    alb = program.one("aws:lb/loadBalancer:LoadBalancer")
    assert association.inputs["resourceArn"] == alb.state["arn"]
    assert association.inputs["webAclArn"] == acl.state["arn"]


def test_the_three_managed_rule_groups_block_with_their_own_actions(program: Program) -> None:
    rules = _rules(program)
    managed = {
        name: rule
        for name, rule in rules.items()
        if "managedRuleGroupStatement" in rule["statement"]
    }
    assert (
        set(managed)
        == set(MANAGED_RULE_GROUPS)
        == {
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesAmazonIpReputationList",
        }
    )
    for name, rule in managed.items():
        assert rule["statement"]["managedRuleGroupStatement"] == {"vendorName": "AWS", "name": name}
        # "none" keeps the group's own block actions (count would only observe).
        assert rule["overrideAction"] == {"none": {}}
    priorities = [rule["priority"] for rule in rules.values()]
    assert len(set(priorities)) == len(priorities)
    order = sorted(rules, key=lambda n: rules[n]["priority"])
    assert order[0] == "AWSManagedRulesAmazonIpReputationList", "known bad addresses first"
    assert order.index("sign-in-rate") < order.index("AWSManagedRulesCommonRuleSet")


def test_every_rule_and_the_acl_publish_metrics_and_samples(program: Program) -> None:
    visibility = [_plain(program.one(ACL).inputs["visibilityConfig"])]
    visibility += [rule["visibilityConfig"] for rule in _rules(program).values()]
    names = [v["metricName"] for v in visibility]
    assert len(set(names)) == len(names) == 7
    for config in visibility:
        assert config["cloudwatchMetricsEnabled"] is True
        assert config["sampledRequestsEnabled"] is True


def test_rate_rules_count_per_client_address_and_answer_429(program: Program) -> None:
    rules = _rules(program)
    for name, limit in (("sign-in-rate", 300), ("socket-handshake-rate", 600)):
        rule = rules[name]
        assert rule["action"] == {"block": {"customResponse": {"responseCode": 429}}}
        rate = rule["statement"]["rateBasedStatement"]
        assert rate["limit"] == limit
        assert rate["evaluationWindowSec"] == 300
        if _behind_cloudfront(program):
            # The WAF sees CloudFront's address; the client's is in X-Forwarded-For.
            assert rate["aggregateKeyType"] == "FORWARDED_IP"
            assert rate["forwardedIpConfig"] == {
                "headerName": "X-Forwarded-For",
                "fallbackBehavior": "MATCH",
            }
        else:
            assert rate["aggregateKeyType"] == "IP"
            assert "forwardedIpConfig" not in rate


# --- what the statements match, on sample requests -----------------------------------------------


def _field(request: dict[str, Any], field: dict[str, Any]) -> str | None:
    if "uriPath" in field:
        return str(request["path"])
    if "singleQueryArgument" in field:
        values = request["query"].get(field["singleQueryArgument"]["name"])
        return values[0] if values else None
    raise AssertionError(f"the model does not know {field}")


def _matches(statement: dict[str, Any], request: dict[str, Any]) -> bool:
    """AWS WAF's semantics for the statement types these rules use."""
    ((kind, body),) = statement.items()
    if kind == "orStatement":
        return any(_matches(s, request) for s in body["statements"])
    if kind == "andStatement":
        return all(_matches(s, request) for s in body["statements"])
    if kind == "notStatement":
        return not _matches(body["statement"], request)
    if kind == "byteMatchStatement":
        assert body["positionalConstraint"] == "STARTS_WITH"
        assert body["textTransformations"] == [{"priority": 0, "type": "NONE"}]
        value = _field(request, body["fieldToMatch"])
        return value is not None and value.startswith(body["searchString"])
    if kind == "sizeConstraintStatement":
        assert body["comparisonOperator"] == "GT"
        value = _field(request, body["fieldToMatch"])
        return value is not None and len(value) > body["size"]
    if kind == "labelMatchStatement":
        assert body["scope"] == "LABEL"
        return any(label.endswith(body["key"]) for label in request["labels"])
    raise AssertionError(f"the model does not know {kind}")


def _counted_by(rules: dict[str, dict[str, Any]], url: str) -> set[str]:
    """The rate rules whose scope a request falls in, after the labelling rules ran."""
    parts = urlsplit(url)
    request: dict[str, Any] = {"path": parts.path, "query": parse_qs(parts.query), "labels": []}
    counted = set()
    for name in sorted(rules, key=lambda n: rules[n]["priority"]):
        rule = rules[name]
        statement = rule["statement"]
        if "rateBasedStatement" in statement:
            if _matches(statement["rateBasedStatement"]["scopeDownStatement"], request):
                counted.add(name)
        elif "managedRuleGroupStatement" not in statement and _matches(statement, request):
            assert rule["action"] == {"count": {}}, "a labelling rule must not end evaluation"
            request["labels"] += [label["name"] for label in rule.get("ruleLabels", [])]
    return counted


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/signin", {"sign-in-rate"}),
        ("/signin?redirect_to=/", {"sign-in-rate"}),
        ("/signup", {"sign-in-rate"}),
        ("/forgot", {"sign-in-rate"}),
        ("/reset", {"sign-in-rate"}),
        ("/confirm", {"sign-in-rate"}),
        ("/code", {"sign-in-rate"}),
        ("/", set()),
        ("/healthz", set()),
        ("/_nicegui/3.18.0/static/nicegui.js", set()),
        # socket.io's first request of a connection (polling or straight to a WebSocket)...
        ("/_nicegui_ws/socket.io/?EIO=4&transport=polling&t=PxAbc", {"socket-handshake-rate"}),
        ("/_nicegui_ws/socket.io/?EIO=4&transport=websocket", {"socket-handshake-rate"}),
        # ...but not the long-polls and the upgrade of an open session.
        ("/_nicegui_ws/socket.io/?EIO=4&transport=polling&t=PxAbd&sid=Zx9", set()),
        ("/_nicegui_ws/socket.io/?EIO=4&transport=websocket&sid=Zx9", set()),
    ],
)
def test_which_requests_each_rate_rule_counts(
    prod_rules: dict[str, dict[str, Any]], url: str, expected: set[str]
) -> None:
    assert _counted_by(prod_rules, url) == expected


def test_the_rate_rules_match_the_apps_real_routes() -> None:
    pages = "\n".join(p.read_text() for p in (ROOT / "webapp" / "pages").glob("*.py"))
    routes = set(re.findall(r'@ui\.page\("(/[^"]*)"\)', pages))
    assert set(SIGN_IN_PATHS) <= routes, set(SIGN_IN_PATHS) - routes
    assert {"/signin", "/signup", "/forgot", "/reset", "/confirm", "/code"} == set(SIGN_IN_PATHS)
    spec = importlib.util.find_spec("nicegui")
    assert spec
    assert spec.origin
    nicegui = (Path(spec.origin).parent / "nicegui.py").read_text()
    assert f"app.mount('{SOCKET_PATH}'" in nicegui, "NiceGUI's socket.io mount point moved"


# --- access logs --------------------------------------------------------------------------------


def test_the_load_balancer_logs_to_the_stacks_private_encrypted_bucket(program: Program) -> None:
    bucket = program.one(BUCKET)
    alb = program.one("aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["accessLogs"] == {
        "bucket": bucket.state["bucket"],
        "prefix": "alb",
        "enabled": True,
    }
    assert alb.inputs["dropInvalidHeaderFields"] is True

    def on_bucket(typ: str) -> dict[str, Any]:
        resource = program.one(f"aws:s3/{typ}")
        assert resource.inputs["bucket"] == bucket.state["id"]
        return dict(_plain(resource.inputs))

    block = on_bucket("bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert {k: v for k, v in block.items() if k != "bucket"} == {
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    }
    ownership = on_bucket("bucketOwnershipControls:BucketOwnershipControls")
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}, "ACLs disabled"
    encryption = on_bucket(
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    # ALB log delivery supports SSE-S3 only: a KMS key (aws:kms) would stop the logs.
    assert encryption["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
    ]
    lifecycle = on_bucket("bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    (rule,) = lifecycle["rules"]
    days = {"dev": 7, "prod": 90}[program.exports["logGroupNames"]["webapp"].split("/")[2]]
    assert rule["status"] == "Enabled"
    assert rule["filter"] == {"prefix": "alb/"}
    assert rule["expiration"] == {"days": days}, "logRetentionDays, like the CloudWatch logs"
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 1}
    protected = program.one("aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"]
    assert bucket.inputs["forceDestroy"] is (not protected)


def test_the_bucket_policy_admits_only_the_regions_elb_log_writer(program: Program) -> None:
    bucket = program.one(BUCKET)
    policy = program.one("aws:s3/bucketPolicy:BucketPolicy")
    assert policy.inputs["bucket"] == bucket.state["id"]
    document = json.loads(policy.inputs["policy"])
    allows = [s for s in document["Statement"] if s["Effect"] == "Allow"]
    assert allows == [
        {
            "Sid": "ElbLogDelivery",
            "Effect": "Allow",
            # eu-west-1 opened before August 2022: its Elastic Load Balancing account writes.
            "Principal": {"AWS": "arn:aws:iam::156460612806:root"},
            "Action": "s3:PutObject",
            "Resource": f"{bucket.state['arn']}/alb/AWSLogs/{ACCOUNT}/*",
        }
    ]
    (deny,) = [s for s in document["Statement"] if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {bucket.state["arn"], f"{bucket.state['arn']}/*"}


def test_newer_regions_use_the_log_delivery_service_principal() -> None:
    assert log_writer_principal("eu-west-1") == {"AWS": "arn:aws:iam::156460612806:root"}
    assert log_writer_principal("us-east-1") == {"AWS": "arn:aws:iam::127311923021:root"}
    for region in ("eu-central-2", "eu-south-2", "ap-south-2", "me-central-1", "il-central-1"):
        assert log_writer_principal(region) == {"Service": ELB_LOG_PRINCIPAL}
    assert ELB_LOG_PRINCIPAL == "logdelivery.elasticloadbalancing.amazonaws.com"
    assert log_writer_principal("cn-north-1", "aws-cn") == {
        "AWS": "arn:aws-cn:iam::638102146993:root"
    }
