"""A deploy rehearsal: the dev and prod stack files, run under mocks, checked as AWS would.

Every recorded resource that maps one-to-one onto an AWS API becomes the request(s) the provider
sends for it (tests/infra/aws_requests.py), and each request is validated against botocore's
service model (required and unknown members, types, enums, lengths, ranges, patterns) and the
limits AWS documents outside the models. Then the dependency graph is checked for the orderings
a first `pulumi up` needs: the internet gateway before the load balancer; NAT routes, the
execution role's policy, the secret's value and the listeners before the ECS service.
"""

from __future__ import annotations

import json
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
