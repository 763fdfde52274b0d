"""Cross-cutting rules: least-privilege IAM, tags, parenting, no secret in the clear, outputs."""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any

import pytest
from infra_harness import (
    ACCOUNT,
    ORIGIN_SECRET,
    PROJECT,
    RANDOM_PASSWORD,
    REGION,
    SITE_DOMAIN,
    Program,
    Resource,
    config_for,
    run_program,
    unsecret,
)

COMPONENT_PREFIX = "cognito-otp:infra:"


@pytest.fixture(params=["dev", "prod", "prebuilt-image"])
def program(request: pytest.FixtureRequest) -> Program:
    """A fresh program run per test (the suite's one style), for each variant."""
    if request.param == "prebuilt-image":
        return run_program(config_for("dev", image="ghcr.io/example/login:1"), stack="dev")
    return run_program(config_for(str(request.param)), stack=str(request.param))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _all_policy_documents(program: Program) -> list[tuple[str, dict[str, Any]]]:
    documents = [(r.name, doc) for r, doc in program.policies()]
    for role in program.of_type("aws:iam/role:Role"):
        documents.append((f"{role.name} (trust)", json.loads(role.inputs["assumeRolePolicy"])))
    return documents


def test_no_wildcard_action_and_no_unpinned_ses_send(program: Program) -> None:
    documents = _all_policy_documents(program)
    assert len(documents) >= 8
    table_arn = program.one("aws:dynamodb/table:Table").state["arn"]
    sender = program.one("aws:sesv2/emailIdentity:EmailIdentity").inputs["emailIdentity"]
    if "@" not in sender:  # a domain identity: the sender is an address of it
        sender = f"no-reply@{sender}"
    for name, document in documents:
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow", name
            assert "NotAction" not in statement, name
            assert "NotResource" not in statement, name
            actions = _as_list(statement["Action"])
            for action in actions:
                assert action != "*", f"{name}: Action '*'"
                assert not action.endswith(":*"), f"{name}: service-wide action {action}"
            resources = _as_list(statement.get("Resource", []))
            if any(a.startswith("ses:") for a in actions):
                # The SES sandbox authorizes each verified recipient's identity too, so the
                # send right covers identity/* of this account and region: then it must be
                # pinned to the sender, or any identity could be used as From.
                assert set(actions) <= {"ses:SendEmail", "ses:SendRawEmail"}, (name, actions)
                assert statement.get("Condition") == {
                    "StringEquals": {"ses:FromAddress": sender}
                }, f"{name}: an SES send without ses:FromAddress pinned to {sender}"
                assert resources, name
                for resource in resources:
                    assert resource.startswith(f"arn:aws:ses:{REGION}:{ACCOUNT}:"), resource
                    kind, _, rest = resource.split(":", 5)[5].partition("/")
                    assert kind in {"identity", "configuration-set"}, resource
                    assert rest == "*" if kind == "identity" else "*" not in rest, resource
            if any(a.startswith("dynamodb:") for a in actions):
                assert set(actions) <= {"dynamodb:GetItem", "dynamodb:PutItem"}, (
                    f"{name}: DynamoDB actions beyond GetItem/PutItem: {actions}"
                )
                assert all("*" not in a for a in actions), f"{name}: wildcard {actions}"
                assert resources == [table_arn], f"{name}: DynamoDB on {resources}"
            for resource in resources:
                if resource.startswith("arn:aws:dynamodb:"):
                    assert "*" not in resource, f"{name}: wildcard DynamoDB resource {resource}"
                    assert "/index/" not in resource, f"{name}: index ARN {resource}"
            if "*" in resources:
                # Only the ECR login has no resource-level permission at all.
                assert actions == ["ecr:GetAuthorizationToken"], (
                    f"{name}: Resource '*' for {actions}"
                )


def _holders(program: Program, service: str) -> list[str]:
    """The policies with at least one statement allowing an action of this service."""
    return sorted(
        {
            name
            for name, document in _all_policy_documents(program)
            for statement in document["Statement"]
            if any(a.startswith(f"{service}:") for a in _as_list(statement["Action"]))
        }
    )


def test_ses_send_permission_is_held_by_the_two_mailing_triggers_only(program: Program) -> None:
    # Custom message only rewrites Cognito's own emails; Cognito sends them itself.
    assert _holders(program, "ses") == ["auth-create-auth-challenge", "auth-verify-auth-challenge"]


def test_the_limits_table_is_used_by_the_four_counting_triggers_only(program: Program) -> None:
    assert _holders(program, "dynamodb") == [
        "auth-create-auth-challenge",
        "auth-post-authentication",
        "auth-post-confirmation",
        "auth-verify-auth-challenge",
    ]
    assert _holders(program, "kms") == [], "the AWS managed key needs no KMS statement"


def _taggable(resource: Resource) -> bool:
    _, module_name, class_name = resource.typ.split(":")
    package = module_name.split("/")[0]
    module = importlib.import_module(f"pulumi_aws.{'lambda_' if package == 'lambda' else package}")
    cls = getattr(module, class_name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def test_every_taggable_resource_is_tagged_with_project_and_stack(program: Program) -> None:
    aws_resources = [r for r in program.resources if r.typ.startswith("aws:")]
    taggable = [r for r in aws_resources if _taggable(r)]
    assert len(taggable) >= 30
    stack = program.exports["logGroupNames"]["webapp"].split("/")[2]
    for resource in taggable:
        tags = resource.inputs.get("tags")
        assert tags, f"{resource.typ} {resource.name} has no tags"
        assert tags.get("project") == PROJECT, resource.name
        assert tags.get("stack") == stack, resource.name
    # The untagged ones are those AWS cannot tag.
    untaggable = {r.typ for r in aws_resources if not _taggable(r)}
    assert untaggable <= {
        "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:lambda/permission:Permission",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:cognito/userPoolClient:UserPoolClient",
        "aws:appautoscaling/policy:Policy",
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:cloudfront/cachePolicy:CachePolicy",  # CloudFront cache policies take no tags
    }


def test_every_resource_is_a_child_of_its_component(program: Program) -> None:
    components = [r for r in program.resources if r.typ.startswith(COMPONENT_PREFIX)]
    kinds = ["AccessLogs", "Auth", "Email", "Firewall", "Groups", "Network", "Operations", "Web"]
    if program.exports["sessionStore"] == "redis":
        kinds.append("Sessions")
    assert sorted(c.typ for c in components) == sorted(f"{COMPONENT_PREFIX}{k}" for k in kinds)
    for component in components:
        # The pool's groups are a small component of their own inside Auth.
        parent = (
            COMPONENT_PREFIX + "Auth"
            if component.typ.endswith(":Groups")
            else "pulumi:pulumi:Stack"
        )
        assert component.parent_type == parent
    expected = {
        "aws:ec2/": "Network",
        "aws:sesv2/": "Email",
        "aws:cognito/": "Auth",
        "aws:dynamodb/": "Auth",
        "aws:lambda/": "Auth",
        "aws:ecs/": "Web",
        "aws:lb/": "Web",
        "aws:ecr/": "Web",
        "aws:vpc/": "Web",
        "aws:appautoscaling/": "Web",
        "aws:secretsmanager/": "Web",  # or Sessions: checked below
        "aws:cloudfront/": "Web",
        "aws:sns/": "Operations",
        "aws:cloudwatch/metricAlarm": "Operations",
        "aws:cloudwatch/dashboard": "Operations",
        "docker-build:": "Web",
        "aws:elasticache/": "Sessions",
        "aws:s3/": "AccessLogs",
        "aws:wafv2/": "Firewall",
    }
    for resource in program.resources:
        if resource.typ.startswith(COMPONENT_PREFIX):
            continue
        assert resource.parent_type, resource.urn
        assert resource.parent_type.startswith(COMPONENT_PREFIX), resource.urn
        for prefix, component in expected.items():
            if resource.typ.startswith(prefix) and not (
                prefix == "aws:ec2/" and resource.typ == "aws:ec2/securityGroup:SecurityGroup"
            ):
                owner = component
                if resource.typ == "aws:cognito/userGroup:UserGroup":
                    owner = "Groups"
                if resource.name.startswith("sessions-") and prefix in {
                    "aws:secretsmanager/",
                    "aws:ec2/",
                }:
                    owner = "Sessions"
                assert resource.parent_type == COMPONENT_PREFIX + owner, resource.urn


def test_the_storage_secret_appears_nowhere_in_the_clear(program: Program) -> None:
    for resource in program.resources:
        if resource.typ == "aws:secretsmanager/secretVersion:SecretVersion":
            continue
        assert RANDOM_PASSWORD not in json.dumps(resource.inputs, default=str), resource.urn
    assert RANDOM_PASSWORD not in json.dumps(program.exports, default=str)


def _plain_occurrences(value: Any, needle: str) -> int:
    """How often `needle` appears in a recorded input outside a secret-marked value."""
    is_secret, plain = unsecret(value)
    if is_secret:
        return 0
    if isinstance(plain, dict):
        return sum(_plain_occurrences(v, needle) for v in plain.values())
    if isinstance(plain, list):
        return sum(_plain_occurrences(v, needle) for v in plain)
    return int(needle in str(plain))


def test_the_origin_secret_is_always_marked_secret(program: Program) -> None:
    """CloudFront's header value sits in the distribution and the listener rule, always secret."""
    holders = [r for r in program.resources if ORIGIN_SECRET in json.dumps(r.inputs, default=str)]
    if program.one("aws:lb/loadBalancer:LoadBalancer") and not program.of_type(
        "aws:cloudfront/distribution:Distribution"
    ):
        assert holders == [], "no CloudFront, no origin secret"
        return
    assert {r.typ for r in holders} == {
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:cloudfront/distribution:Distribution",
        "aws:lb/listenerRule:ListenerRule",
    }
    for resource in holders:
        assert _plain_occurrences(resource.inputs, ORIGIN_SECRET) == 0, resource.urn
    assert ORIGIN_SECRET not in json.dumps(program.exports, default=str)


def test_outputs(program: Program) -> None:
    exports = program.exports
    alb = program.one("aws:lb/loadBalancer:LoadBalancer")
    cdn = program.of_type("aws:cloudfront/distribution:Distribution")
    # Without a certificate CloudFront's name; with one, the domainName the certificate covers
    # (never the load balancer's amazonaws.com name, which the certificate does not cover).
    front = cdn[0].state["domainName"] if cdn else SITE_DOMAIN
    assert exports["url"] == f"https://{front}"
    assert exports["trustedHosts"] == f"{front},{alb.state['dnsName']}"
    assert exports["webAclArn"] == program.one("aws:wafv2/webAcl:WebAcl").state["arn"]
    assert exports["accessLogBucket"] == program.one("aws:s3/bucket:Bucket").state["bucket"]
    caches = program.of_type("aws:elasticache/serverlessCache:ServerlessCache")
    assert exports["sessionStore"] == ("redis" if caches else "memory")
    assert exports["sessionCacheName"] == (caches[0].state["name"] if caches else None)
    assert exports["alarmTopicArn"] == program.one("aws:sns/topic:Topic").state["arn"]
    assert (
        exports["dashboardName"] == f"{PROJECT}-{exports['logGroupNames']['webapp'].split('/')[2]}"
    )
    assert exports["userPoolId"] == program.one("aws:cognito/userPool:UserPool").state["id"]
    assert (
        exports["userPoolClientId"]
        == program.one("aws:cognito/userPoolClient:UserPoolClient").state["id"]
    )
    assert exports["region"] == "eu-west-1"
    assert exports["senderVerificationStatus"] == "PENDING"
    groups = {g.state["name"] for g in program.of_type("aws:cloudwatch/logGroup:LogGroup")}
    insights = {g for g in groups if g.startswith("/aws/ecs/containerinsights/")}
    assert len(insights) == 1
    assert set(exports["logGroupNames"].values()) == groups - insights
    assert len(groups) == 8, "the web app, six triggers and Container Insights"
    assert exports["limitsTableName"] == program.one("aws:dynamodb/table:Table").state["name"]


def test_every_trust_policy_admits_its_service_for_this_account_only(program: Program) -> None:
    """aws:SourceAccount: Lambda and ECS assume these roles only on behalf of this account."""
    roles = program.of_type("aws:iam/role:Role")
    assert len(roles) == 8, "six triggers, the ECS execution role and the task role"
    for role in roles:
        document = json.loads(role.inputs["assumeRolePolicy"])
        for statement in document["Statement"]:
            assert statement["Action"] == "sts:AssumeRole", role.name
            assert set(statement["Principal"]) == {"Service"}, role.name
            assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}, (
                role.name
            )
