"""A deploy rehearsal: the dev and prod stack files, run under mocks, checked as AWS would.

Every recorded resource that maps one-to-one onto an AWS API becomes the request(s) the provider
sends for it (tests/infra/aws_requests.py), and each request is validated against botocore's
service model (required and unknown members, types, enums, lengths, ranges, patterns) and the
limits AWS documents outside the models. Then the dependency graph is checked for the orderings
a first `pulumi up` needs: the internet gateway and the log bucket's policy before the load
balancer; NAT routes, the execution role's policy, the secrets' values, the session cache and the
listeners before the ECS service.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pytest
from aws_requests import SESSION, TRANSLATORS, Request, check, requests_of
from infra_harness import Program, Resource, config_for, run_program

STACKS = ("dev", "prod")


@pytest.fixture(scope="module", params=STACKS)
def program(request: pytest.FixtureRequest) -> Program:
    """The stack's own file, with only the values a user must set replaced (USER_VALUES)."""
    return run_program(config_for(str(request.param)), stack=str(request.param))


@pytest.fixture(scope="module")
def requests(program: Program) -> list[Request]:
    return requests_of(program)


def _of(requests: Iterable[Request], operation: str) -> list[Request]:
    return [r for r in requests if r.operation == operation]


def test_every_request_is_valid_against_botocores_service_models(requests: list[Request]) -> None:
    errors = [message for request in requests for message in check(request)]
    assert errors == []
    operations = {r.operation for r in requests}
    assert {
        "CreateUserPool",
        "CreateUserPoolClient",
        "CreateFunction",
        "RegisterTaskDefinition",
        "CreateTargetGroup",
        "CreateListener",
        "CreateLoadBalancer",
        "CreateLogGroup",
        "PutLifecyclePolicy",
        "PutRolePolicy",
        "PutMetricAlarm",
        "PutDashboard",
        "CreateTable",
        "CreateService",
    } <= operations
    assert len(requests) > 100


def test_the_check_catches_what_botocore_alone_lets_through() -> None:
    """The strict check sees enums, maxima and patterns that botocore's validator skips."""
    good = {"UserPoolId": "eu-west-1_TestPool", "ClientName": "c", "AuthSessionValidity": 3}
    assert check(Request("cognito-idp", "CreateUserPoolClient", good, "t")) == []
    for bad in (
        {**good, "AuthSessionValidity": 16},  # max 15
        {**good, "ExplicitAuthFlows": ["ALLOW_EVERYTHING"]},  # enum
        {**good, "UserPoolId": "not a pool id"},  # pattern
        {**good, "ClientName": "x" * 129},  # max length
        {**good, "Unknown": 1},
    ):
        assert check(Request("cognito-idp", "CreateUserPoolClient", bad, "t")), bad


def test_lambda_functions_fit_lambdas_documented_limits(requests: list[Request]) -> None:
    functions = _of(requests, "CreateFunction")
    assert len(functions) == 6
    for request in functions:
        params = request.params
        assert len(params["Code"]["ZipFile"]) < 50 * 1024 * 1024, "direct upload limit"
        variables = params["Environment"]["Variables"]
        size = sum(len(k) + len(v) for k, v in variables.items())
        assert size <= 4096, f"{request.resource}: environment {size} bytes, Lambda allows 4 KB"
        assert params["Timeout"] <= 900
        assert params["Runtime"] in SESSION.get_service_model("lambda").shape_for("Runtime").enum


def _iam_services() -> dict[str, set[str]]:
    """IAM prefix -> the API operations botocore knows for it (an action must be one of them)."""
    by_prefix: dict[str, set[str]] = {}
    for service in ("ses", "sesv2", "logs", "dynamodb", "ecr", "secretsmanager", "sts"):
        model = SESSION.get_service_model(service)
        prefix = model.signing_name if service != "sesv2" else "ses"
        by_prefix.setdefault(prefix, set()).update(model.operation_names)
    return by_prefix


def test_iam_policies_are_well_formed_small_and_name_real_actions(
    requests: list[Request],
) -> None:
    known = _iam_services()
    documents: list[tuple[str, str, dict[str, Any]]] = []
    for request in _of(requests, "PutRolePolicy"):
        documents.append(("permissions", request.resource, request.params["PolicyDocument"]))
    for request in _of(requests, "CreateRole"):
        documents.append(("trust", request.resource, request.params["AssumeRolePolicyDocument"]))
    assert len(documents) == 15, "seven permission policies (the task role has none), eight roles"
    for kind, name, text in documents:
        document = json.loads(text)
        compact = len(json.dumps(document, separators=(",", ":")))
        # IAM quotas: inline policies of a role 10,240 characters, a trust policy 2,048.
        assert compact <= (2048 if kind == "trust" else 10240), (name, compact)
        assert document["Version"] == "2012-10-17"
        for statement in document["Statement"]:
            assert set(statement) <= {
                "Sid",
                "Effect",
                "Action",
                "Resource",
                "Condition",
                "Principal",
            }
            assert statement["Effect"] in {"Allow", "Deny"}
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            for action in actions:
                prefix, _, operation = action.partition(":")
                assert operation in known[prefix], f"{name}: {action} is not an action"
            for operator in statement.get("Condition", {}):
                assert operator in {"StringEquals", "ArnLike", "StringLike"}, operator


def test_the_ecr_lifecycle_policy_follows_ecrs_rules(requests: list[Request]) -> None:
    (request,) = _of(requests, "PutLifecyclePolicy")
    rules = json.loads(request.params["lifecyclePolicyText"])["rules"]
    priorities = [rule["rulePriority"] for rule in rules]
    assert len(set(priorities)) == len(priorities), "unique priorities"
    for rule in rules:
        selection = rule["selection"]
        assert selection["tagStatus"] in {"tagged", "untagged", "any"}
        assert selection["countType"] in {"imageCountMoreThan", "sinceImagePushed"}
        assert ("countUnit" in selection) == (selection["countType"] == "sinceImagePushed")
        assert selection["countNumber"] >= 1
        assert rule["action"] == {"type": "expire"}
        if selection["tagStatus"] == "any":
            # ECR: a rule with tagStatus any must have the highest rulePriority.
            assert rule["rulePriority"] == max(priorities)


def _attributes(request: Request) -> dict[str, str]:
    return {a["Key"]: a["Value"] for a in request.params["Attributes"]}


def test_load_balancer_attributes_and_names_fit_elbs_limits(requests: list[Request]) -> None:
    (balancer,) = _of(requests, "CreateLoadBalancer")
    (group,) = _of(requests, "CreateTargetGroup")
    for request in (balancer, group):
        assert len(request.params["Name"]) <= 32, "ELB names are at most 32 characters"
    (lb_attributes,) = _of(requests, "ModifyLoadBalancerAttributes")
    assert 1 <= int(_attributes(lb_attributes)["idle_timeout.timeout_seconds"]) <= 4000
    (tg_attributes,) = _of(requests, "ModifyTargetGroupAttributes")
    values = _attributes(tg_attributes)
    assert 1 <= int(values["stickiness.lb_cookie.duration_seconds"]) <= 604800
    assert 0 <= int(values["deregistration_delay.timeout_seconds"]) <= 3600
    for rule in _of(requests, "CreateRule"):
        for condition in rule.params["Conditions"]:
            for value in condition["HttpHeaderConfig"]["Values"]:
                assert len(value) <= 128, "header condition values match 128 characters"


def test_alarms_and_the_dashboard_fit_cloudwatchs_limits(requests: list[Request]) -> None:
    alarms = _of(requests, "PutMetricAlarm")
    assert len(alarms) == 27
    for request in alarms:
        params = request.params
        period = params["Period"]
        assert period in {10, 20, 30} or period % 60 == 0, (request.resource, period)
        # PutMetricAlarm: EvaluationPeriods x Period may not exceed one day.
        assert params["EvaluationPeriods"] * period <= 86400, request.resource
        assert params.get("DatapointsToAlarm", 1) <= params["EvaluationPeriods"]
        assert ("Statistic" in params) != ("ExtendedStatistic" in params), request.resource
        assert params["TreatMissingData"] in {"breaching", "notBreaching", "ignore", "missing"}
    (dashboard,) = _of(requests, "PutDashboard")
    body = json.loads(dashboard.params["DashboardBody"])
    assert 0 < len(body["widgets"]) <= 500
    for widget in body["widgets"]:
        assert widget["type"] in {"metric", "text", "log", "alarm", "explorer"}
        assert 1 <= widget["width"] <= 24
        assert widget["x"] + widget["width"] <= 24
        assert 1 <= widget["height"] <= 1000
        if widget["type"] == "metric":
            assert widget["properties"]["region"]
            assert widget["properties"]["metrics"]
        if widget["type"] == "alarm":
            assert 1 <= len(widget["properties"]["alarms"]) <= 100


def test_cloudfront_fits_its_documented_limits(program: Program, requests: list[Request]) -> None:
    created = _of(requests, "CreateDistributionWithTags")
    if not program.of_type("aws:cloudfront/distribution:Distribution"):
        assert created == []
        return
    (request,) = created
    config = request.params["DistributionConfigWithTags"]["DistributionConfig"]
    for origin in config["Origins"]["Items"]:
        custom = origin["CustomOriginConfig"]
        assert 1 <= custom["OriginReadTimeout"] <= 60, "above 60 s needs a quota increase"
        assert 1 <= custom["OriginKeepaliveTimeout"] <= 60
        for header in origin["CustomHeaders"]["Items"]:
            # Headers CloudFront refuses to add as origin custom headers.
            assert header["HeaderName"].lower() not in {
                "cache-control",
                "connection",
                "content-length",
                "cookie",
                "host",
                "x-forwarded-for",
                "x-forwarded-proto",
                "x-real-ip",
                "via",
            }
            assert not header["HeaderName"].lower().startswith(("x-amz-", "x-edge-"))
    assert len(config["Comment"]) <= 128
    assert config["CacheBehaviors"]["Quantity"] <= 25


# --- orderings: the dependency graph ----------------------------------------------------------


def _ancestors(program: Program, resource: Resource) -> set[str]:
    """Every URN the engine creates before `resource` (its transitive dependencies)."""
    by_urn = {r.urn: r for r in program.resources}
    seen: set[str] = set()
    stack = list(resource.dependencies)
    while stack:
        urn = stack.pop()
        if urn in seen:
            continue
        seen.add(urn)
        if urn in by_urn:
            stack.extend(by_urn[urn].dependencies)
    return seen


def _urns(program: Program, typ: str, prefix: str = "") -> set[str]:
    return {r.urn for r in program.of_type(typ) if r.name.startswith(prefix)}


def test_the_load_balancer_is_created_after_the_internet_gateway_and_public_routes(
    program: Program,
) -> None:
    before = _ancestors(program, program.one("aws:lb/loadBalancer:LoadBalancer"))
    required = _urns(program, "aws:ec2/internetGateway:InternetGateway")
    required |= _urns(program, "aws:ec2/route:Route", "network-public")
    required |= _urns(
        program, "aws:ec2/routeTableAssociation:RouteTableAssociation", "network-public"
    )
    assert len(required) == 4
    assert required <= before, required - before


def test_the_load_balancer_is_created_after_its_log_bucket_may_take_logs(
    program: Program,
) -> None:
    """ELB checks, when access logging is turned on, that it may write to the bucket."""
    before = _ancestors(program, program.one("aws:lb/loadBalancer:LoadBalancer"))
    required = {
        r.urn
        for r in program.resources
        if r.typ.startswith("aws:s3/")
        and r.typ
        in {
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        }
    }
    assert len(required) == 4
    assert required <= before, required - before
    policy = program.one("aws:s3/bucketPolicy:BucketPolicy")
    block = program.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert block.urn in _ancestors(program, policy), "a policy while the block changes fails"


def test_the_service_waits_for_everything_its_tasks_need(program: Program) -> None:
    service = program.one("aws:ecs/service:Service")
    before = _ancestors(program, service)
    required = _urns(program, "aws:ec2/natGateway:NatGateway")
    required |= _urns(program, "aws:ec2/route:Route", "network-private")
    required |= _urns(
        program, "aws:ec2/routeTableAssociation:RouteTableAssociation", "network-private"
    )
    required |= {program.one("aws:iam/rolePolicy:RolePolicy", "web-execution").urn}
    required |= {
        program.one("aws:secretsmanager/secretVersion:SecretVersion", "web-storage-secret").urn
    }
    required |= _urns(program, "aws:lb/listener:Listener")
    required |= _urns(program, "aws:lb/listenerRule:ListenerRule")
    required |= {program.one("aws:cloudwatch/logGroup:LogGroup", "web-insights").urn}
    required |= {program.one("aws:ecs/taskDefinition:TaskDefinition").urn}
    # With Redis: an available cache the tasks may reach and both secrets' values.
    required |= _urns(program, "aws:elasticache/serverlessCache:ServerlessCache")
    required |= _urns(program, "aws:secretsmanager/secretVersion:SecretVersion", "sessions-")
    required |= _urns(
        program, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web-cache"
    )
    required |= _urns(
        program, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "web-service-out-cache"
    )
    if program.exports["sessionStore"] == "redis":
        assert len(required & _urns(program, "aws:secretsmanager/secretVersion:SecretVersion")) == 4
    assert required <= before, sorted(required - before)
    assert service.inputs["waitForSteadyState"] is True


def test_triggers_cloudfront_and_the_identity_come_after_what_they_use(program: Program) -> None:
    for function in program.of_type("aws:lambda/function:Function"):
        before = _ancestors(program, function)
        assert program.one("aws:iam/rolePolicy:RolePolicy", function.name).urn in before
        assert program.one("aws:cloudwatch/logGroup:LogGroup", function.name).urn in before
    identity = program.one("aws:sesv2/emailIdentity:EmailIdentity")
    assert program.one("aws:sesv2/configurationSet:ConfigurationSet").urn in _ancestors(
        program, identity
    )
    for cdn in program.of_type("aws:cloudfront/distribution:Distribution"):
        before = _ancestors(program, cdn)
        assert program.one("aws:lb/loadBalancer:LoadBalancer").urn in before
        assert _urns(program, "aws:lb/listenerRule:ListenerRule") <= before


def test_every_aws_resource_type_is_rehearsed_or_explained(program: Program) -> None:
    """A new resource type without a request model fails here instead of escaping the check."""
    requests_of(program)
    assert len(TRANSLATORS) >= 30


# --- the session cache, the access logs and the WAF: limits AWS documents outside the models ----


def test_the_session_cache_fits_elasticaches_documented_limits(
    program: Program, requests: list[Request]
) -> None:
    caches = _of(requests, "CreateServerlessCache")
    users = _of(requests, "CreateUser")
    groups = _of(requests, "CreateUserGroup")
    if program.exports["sessionStore"] == "memory":
        assert caches == users == groups == []
        return
    (cache,) = caches
    params = cache.params
    # ServerlessCacheName: 1-40 letters, digits or hyphens, a letter first, no "--", no "-" last.
    name = params["ServerlessCacheName"]
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,39}", name), name
    assert "--" not in name, name
    assert not name.endswith("-")
    limits = params["CacheUsageLimits"]
    assert 1 <= limits["DataStorage"]["Maximum"] <= 5000, "GB"
    assert 1000 <= limits["ECPUPerSecond"]["Maximum"] <= 15_000_000
    assert params["Engine"] == "valkey"
    assert params["MajorEngineVersion"].isdigit()
    assert len(params["SubnetIds"]) >= 2, "two availability zones"
    by_id = {u.params["UserId"]: u.params for u in users}
    for user in by_id.values():
        for password in user["Passwords"]:
            # CreateUser: 16 to 128 printable characters, none of space, '"', '/', '@'.
            assert 16 <= len(password) <= 128
            assert not set(password) & set(' "/@'), user["UserId"]
        assert user["AccessString"].split()[0] in {"on", "off"}
        assert not re.search(r"(^|\s)(>|<|nopass|reset)", user["AccessString"])
    (group,) = groups
    # DefaultUserRequired: a group must hold a user whose *name* is "default".
    names = [by_id[uid]["UserName"] for uid in group.params["UserIds"]]
    assert "default" in names
    assert group.params["UserGroupId"] == params["UserGroupId"]
    assert group.params["UserGroupId"] == group.params["UserGroupId"].lower()


def _statement_depth(statement: dict[str, Any]) -> int:
    ((kind, body),) = statement.items()
    if kind in {"AndStatement", "OrStatement"}:
        return 1 + max(_statement_depth(s) for s in body["Statements"])
    if kind == "NotStatement":
        return 1 + _statement_depth(body["Statement"])
    return 1


# WCUs of the managed groups (AWS WAF developer guide, "AWS Managed Rules rule groups list") and
# of the statements used here ("Web ACL capacity units"): a string match that starts with 2,
# a size constraint 1, a label match 1, a rate-based statement 2 plus its scope-down.
MANAGED_WCU = {
    "AWSManagedRulesCommonRuleSet": 700,
    "AWSManagedRulesKnownBadInputsRuleSet": 200,
    "AWSManagedRulesAmazonIpReputationList": 25,
}


def _wcu(statement: dict[str, Any]) -> int:
    ((kind, body),) = statement.items()
    if kind in {"AndStatement", "OrStatement"}:
        return sum(_wcu(s) for s in body["Statements"])
    if kind == "NotStatement":
        return _wcu(body["Statement"])
    if kind == "ManagedRuleGroupStatement":
        return MANAGED_WCU[body["Name"]]
    if kind == "RateBasedStatement":
        return 2 + _wcu(body.get("ScopeDownStatement", {"LabelMatchStatement": {}}))
    transforms = sum(10 for t in body.get("TextTransformations", []) if t["Type"] != "NONE")
    if kind == "ByteMatchStatement":
        base = 2 if body["PositionalConstraint"] in {"EXACTLY", "STARTS_WITH", "ENDS_WITH"} else 10
        return base + transforms
    if kind in {"SizeConstraintStatement", "LabelMatchStatement"}:
        return 1 + transforms
    raise AssertionError(f"no capacity known for {kind}")


def test_the_web_acl_fits_wafs_documented_limits(requests: list[Request]) -> None:
    (acl,) = _of(requests, "CreateWebACL")
    rules = acl.params["Rules"]
    assert len({r["Name"] for r in rules}) == len(rules)
    assert len({r["Priority"] for r in rules}) == len(rules)
    total = 0
    for rule in rules:
        statement = rule["Statement"]
        # The provider's `rules` block nests statements three levels deep at most (deeper
        # needs rule_json), and a rate rule's scope-down two below the rate statement.
        assert _statement_depth(statement) <= 3, rule["Name"]
        if "RateBasedStatement" in statement:
            rate = statement["RateBasedStatement"]
            assert rate["EvaluationWindowSec"] in {60, 120, 300, 600}
            assert _statement_depth(rate["ScopeDownStatement"]) <= 2, rule["Name"]
            if rate["AggregateKeyType"] == "FORWARDED_IP":
                assert "ForwardedIPConfig" in rate
        # Exactly one of Action (own rules) and OverrideAction (rule groups).
        has_group = "ManagedRuleGroupStatement" in statement
        assert ("OverrideAction" in rule) == has_group, rule["Name"]
        assert ("Action" in rule) != has_group, rule["Name"]
        total += _wcu(statement)
    # Up to 1,500 WCUs are in the web ACL's price; AWS WAF refuses more than 5,000.
    assert total <= 1500, total
    assert len(_of(requests, "AssociateWebACL")) == 1


def test_the_log_bucket_fits_s3s_documented_rules(requests: list[Request]) -> None:
    (create,) = _of(requests, "CreateBucket")
    name = create.params["Bucket"]
    # Bucket naming rules: 3-63 characters, lower-case letters, digits, dots and hyphens.
    assert re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", name), name
    (lifecycle,) = _of(requests, "PutBucketLifecycleConfiguration")
    for rule in lifecycle.params["LifecycleConfiguration"]["Rules"]:
        assert rule["Expiration"]["Days"] >= 1
        assert "Prefix" not in rule or "Filter" not in rule, "one of Prefix and Filter"
    (policy,) = _of(requests, "PutBucketPolicy")
    document = json.loads(policy.params["Policy"])
    actions = set(SESSION.get_service_model("s3").operation_names)
    for statement in document["Statement"]:
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        ):
            prefix, _, operation = action.partition(":")
            assert prefix == "s3"
            # Only the TLS-only Deny names every action; anything allowed is a real S3 call.
            assert operation in actions or (operation == "*" and statement["Effect"] == "Deny")
    assert len(policy.params["Policy"]) <= 20 * 1024, "bucket policies are at most 20 KB"


def test_threat_protection_requests_are_valid_too() -> None:
    """The Plus tier and both add-on modes, as CreateUserPool would receive them."""
    for mode in ("audit", "enforced"):
        program = run_program(config_for("prod", threatProtection=mode), stack="prod")
        (pool,) = [r for r in requests_of(program) if r.operation == "CreateUserPool"]
        assert check(pool) == []
        assert pool.params["UserPoolTier"] == "PLUS"
        setting = mode.upper()
        assert pool.params["UserPoolAddOns"] == {
            "AdvancedSecurityMode": setting,
            "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": setting},
        }
