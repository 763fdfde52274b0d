"""Cross-cutting rules: least-privilege IAM, tags, parenting, no secret in the clear, outputs."""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any

import pytest
from infra_harness import PROJECT, RANDOM_PASSWORD, Program, Resource, config_for, run_program

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


def test_no_wildcard_action_and_no_wildcard_ses_resource(program: Program) -> None:
    documents = _all_policy_documents(program)
    assert len(documents) >= 7
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
                assert resources, name
                for resource in resources:
                    assert "*" not in resource, f"{name}: wildcard SES resource {resource}"
                    assert resource.startswith("arn:aws:ses:"), name
                    assert ":identity/" in resource, name
            if "*" in resources:
                # Only the ECR login has no resource-level permission at all.
                assert actions == ["ecr:GetAuthorizationToken"], (
                    f"{name}: Resource '*' for {actions}"
                )


def test_ses_send_permission_is_held_by_the_two_mailing_triggers_only(program: Program) -> None:
    senders = sorted(
        name
        for name, document in _all_policy_documents(program)
        for statement in document["Statement"]
        if any(a.startswith("ses:") for a in _as_list(statement["Action"]))
    )
    assert senders == ["auth-create-auth-challenge", "auth-custom-message"]


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
    }


def test_every_resource_is_a_child_of_its_component(program: Program) -> None:
    components = [r for r in program.resources if r.typ.startswith(COMPONENT_PREFIX)]
    assert sorted(c.typ for c in components) == [
        f"{COMPONENT_PREFIX}{kind}" for kind in ("Auth", "Email", "Network", "Web")
    ]
    for component in components:
        assert component.parent_type == "pulumi:pulumi:Stack"
    expected = {
        "aws:ec2/": "Network",
        "aws:sesv2/": "Email",
        "aws:cognito/": "Auth",
        "aws:lambda/": "Auth",
        "aws:ecs/": "Web",
        "aws:lb/": "Web",
        "aws:ecr/": "Web",
        "aws:vpc/": "Web",
        "aws:appautoscaling/": "Web",
        "aws:secretsmanager/": "Web",
        "docker-build:": "Web",
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
                assert resource.parent_type == COMPONENT_PREFIX + component, resource.urn


def test_the_storage_secret_appears_nowhere_in_the_clear(program: Program) -> None:
    for resource in program.resources:
        if resource.typ == "aws:secretsmanager/secretVersion:SecretVersion":
            continue
        assert RANDOM_PASSWORD not in json.dumps(resource.inputs, default=str), resource.urn
    assert RANDOM_PASSWORD not in json.dumps(program.exports, default=str)


def test_outputs(program: Program) -> None:
    exports = program.exports
    alb = program.one("aws:lb/loadBalancer:LoadBalancer")
    assert exports["url"].endswith(alb.state["dnsName"])
    assert exports["userPoolId"] == program.one("aws:cognito/userPool:UserPool").state["id"]
    assert (
        exports["userPoolClientId"]
        == program.one("aws:cognito/userPoolClient:UserPoolClient").state["id"]
    )
    assert exports["region"] == "eu-west-1"
    assert exports["senderVerificationStatus"] == "PENDING"
    groups = {g.inputs["name"] for g in program.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert set(exports["logGroupNames"].values()) == groups
    assert len(groups) == 6
