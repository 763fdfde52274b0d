"""Web: image, ECS task and service, autoscaling, ALB, target group, listeners, security groups."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_harness import (
    PREFIX_LIST_ID,
    PROJECT,
    RANDOM_PASSWORD,
    REGION,
    ROOT,
    SITE_DOMAIN,
    Program,
    config_for,
    run_program,
    unsecret,
)

from functions.settings import APP_NAME, LoginSettings, Setting, pool_settings_to_env

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
LISTENER = "aws:lb/listener:Listener"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
PREBUILT = "ghcr.io/example/login-webapp:1.2.3"


def _container(program: Program) -> dict[str, Any]:
    containers = json.loads(program.one(TASK).inputs["containerDefinitions"])
    assert len(containers) == 1
    return dict(containers[0])


def _login(stack: str) -> LoginSettings:
    config = config_for(stack)

    def lookup(setting: Setting) -> object:
        return config.get(f"{PROJECT}:{setting.key}")

    return LoginSettings.from_lookup(lookup)


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_image_is_built_for_amd64_and_pushed_to_the_stack_repository(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    repo = program.one("aws:ecr/repository:Repository")
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    lifecycle = program.one("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    assert lifecycle.inputs["repository"] == repo.state["name"]
    rules = json.loads(lifecycle.inputs["policy"])["rules"]
    assert {r["selection"]["tagStatus"] for r in rules} == {"untagged", "any"}
    assert all(r["action"] == {"type": "expire"} for r in rules)

    image = program.one("docker-build:index:Image")
    assert image.inputs["push"] is True
    assert image.inputs["platforms"] == ["linux/amd64"]
    assert image.inputs["context"] == {"location": str(ROOT)}
    assert image.inputs["dockerfile"] == {"location": str(ROOT / "webapp" / "Dockerfile")}
    assert image.inputs["tags"] == [f"{repo.state['repositoryUrl']}:{stack}"]
    registries_secret, registries = unsecret(image.inputs["registries"])
    assert registries_secret, "the ECR token stays secret"
    registry = registries[0]
    assert registry["address"] == repo.state["repositoryUrl"]
    assert registry["username"] == "AWS"
    assert unsecret(registry["password"])[1] == "ecr-token"
    tokens = [args for token, args in program.calls if token.endswith("getAuthorizationToken")]
    assert tokens == [{"registryId": repo.state["registryId"]}]
    assert _container(program)["image"] == image.state["ref"]
    assert program.exports["imageRef"] == image.state["ref"]


def test_a_configured_image_is_used_instead_of_building() -> None:
    program = run_program(config_for("dev", image=PREBUILT))
    assert not program.of_type("docker-build:index:Image")
    assert not [t for t, _ in program.calls if t.endswith("getAuthorizationToken")]
    assert _container(program)["image"] == PREBUILT
    # Not in ECR: the execution role gets no ECR rights at all.
    execution = next(doc for r, doc in program.policies() if r.name == "web-execution")
    assert not [s for s in execution["Statement"] if any(a.startswith("ecr:") for a in s["Action"])]


def test_a_configured_ecr_image_may_be_pulled_from_its_repository_only() -> None:
    image = f"210987654321.dkr.ecr.{REGION}.amazonaws.com/team/login:7"
    program = run_program(config_for("dev", image=image))
    execution = next(doc for r, doc in program.policies() if r.name == "web-execution")
    pull = next(s for s in execution["Statement"] if s["Sid"] == "PullImage")
    assert pull["Resource"] == [f"arn:aws:ecr:{REGION}:210987654321:repository/team/login"]


def test_task_definition_environment_secret_and_logs(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    task = program.one(TASK).inputs
    expected_size = {"dev": ("256", "512"), "prod": ("512", "1024")}[stack]
    assert (task["cpu"], task["memory"]) == expected_size
    assert task["family"] == f"{PROJECT}-{stack}-webapp"
    assert task["networkMode"] == "awsvpc"
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert task["runtimePlatform"] == {
        "operatingSystemFamily": "LINUX",
        "cpuArchitecture": "X86_64",
    }
    execution = program.one("aws:iam/role:Role", "web-execution")
    task_role = program.one("aws:iam/role:Role", "web-task")
    assert task["executionRoleArn"] == execution.state["arn"]
    assert task["taskRoleArn"] == task_role.state["arn"]

    container = _container(program)
    assert container["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    env = {e["name"]: e["value"] for e in container["environment"]}
    login = _login(stack)
    alb_dns = program.one("aws:lb/loadBalancer:LoadBalancer").state["dnsName"]
    public = {"dev": "d111111abcdef8.cloudfront.net", "prod": SITE_DOMAIN}[stack]
    assert env == {
        "HOST": "0.0.0.0",  # noqa: S104 - the container listens on its task ENI
        "PORT": "8080",
        "USER_POOL_ID": program.one("aws:cognito/userPool:UserPool").state["id"],
        "CLIENT_ID": program.one("aws:cognito/userPoolClient:UserPoolClient").state["id"],
        "AWS_REGION": REGION,
        APP_NAME.env: login.triggers.app_name,
        "COOKIE_SECURE": "true",  # every stack is HTTPS (CloudFront or the ALB's certificate)
        # The names users reach and the ALB's; CloudFront and the ALB (2) or the ALB alone (1)
        # write X-Forwarded-For; the service's maxCount, so the app can refuse memory sessions.
        "TRUSTED_HOSTS": f"{public},{alb_dns}",
        "TRUSTED_PROXY_HOPS": {"dev": "2", "prod": "1"}[stack],
        "MAX_TASKS": {"dev": "1", "prod": "6"}[stack],
        **pool_settings_to_env(login.pool),
    }
    secret = program.one("aws:secretsmanager/secret:Secret", "web-storage-secret")
    expected_secrets = [{"name": "STORAGE_SECRET", "valueFrom": secret.state["arn"]}]
    if stack == "prod":  # sessionStore redis: the URL and the sealing key, from Secrets Manager
        url = program.one("aws:secretsmanager/secret:Secret", "sessions-redis-url")
        key = program.one("aws:secretsmanager/secret:Secret", "sessions-encryption-key")
        expected_secrets = [
            {"name": "REDIS_URL", "valueFrom": url.state["arn"]},
            {"name": "SESSION_ENCRYPTION_KEY", "valueFrom": key.state["arn"]},
            *expected_secrets,
        ]
    assert container["secrets"] == expected_secrets
    assert not {"REDIS_URL", "SESSION_ENCRYPTION_KEY", "STORAGE_SECRET"} & set(env)
    version = program.one("aws:secretsmanager/secretVersion:SecretVersion", "web-storage-secret")
    assert version.inputs["secretId"] == secret.state["id"]
    assert unsecret(version.inputs["secretString"]) == (True, RANDOM_PASSWORD), (
        "kept secret in state"
    )
    random = [args for token, args in program.calls if token.endswith("getRandomPassword")]
    assert random
    assert random[0]["passwordLength"] >= 32
    assert RANDOM_PASSWORD not in program.one(TASK).inputs["containerDefinitions"]

    logs = container["logConfiguration"]
    group = program.one("aws:cloudwatch/logGroup:LogGroup", "web-logs")
    assert logs["logDriver"] == "awslogs"
    assert logs["options"]["awslogs-group"] == group.state["name"]
    assert "name" not in group.inputs, "a prefix: a replacement must not collide"
    assert logs["options"]["awslogs-region"] == REGION
    assert group.inputs["retentionInDays"] == {"dev": 7, "prod": 90}[stack]
    cluster = program.one("aws:ecs/cluster:Cluster")
    assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    # Container Insights' own group, with retention, owned (and destroyed) by the stack.
    insights = program.one("aws:cloudwatch/logGroup:LogGroup", "web-insights")
    assert insights.inputs["name"] == (
        f"/aws/ecs/containerinsights/{cluster.state['name']}/performance"
    )
    assert insights.inputs["retentionInDays"] == group.inputs["retentionInDays"]
    assert cluster.urn in insights.dependencies


def test_execution_role_pulls_logs_and_reads_exactly_its_secrets(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    execution = program.one("aws:iam/role:Role", "web-execution")
    assert '"Service": "ecs-tasks.amazonaws.com"' in execution.inputs["assumeRolePolicy"]
    policy = next(doc for r, doc in program.policies() if r.inputs["role"] == execution.state["id"])
    repo = program.one("aws:ecr/repository:Repository")
    group = program.one("aws:cloudwatch/logGroup:LogGroup", "web-logs")
    secrets = [program.one("aws:secretsmanager/secret:Secret", "web-storage-secret")]
    if stack == "prod":
        secrets += [
            program.one("aws:secretsmanager/secret:Secret", "sessions-redis-url"),
            program.one("aws:secretsmanager/secret:Secret", "sessions-encryption-key"),
        ]
    assert policy["Statement"] == [
        {
            "Sid": "EcrLogin",
            "Effect": "Allow",
            "Action": ["ecr:GetAuthorizationToken"],
            "Resource": "*",
        },
        {
            "Sid": "PullImage",
            "Effect": "Allow",
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
            ],
            "Resource": [repo.state["arn"]],
        },
        {
            "Sid": "WriteTaskLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{group.state['arn']}:*"],
        },
        {
            # Exactly the secrets the task receives: never the cache's password secret.
            "Sid": "ReadTaskSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": sorted(s.state["arn"] for s in secrets),
        },
    ]
    task_role = program.one("aws:iam/role:Role", "web-task")
    assert '"Service": "ecs-tasks.amazonaws.com"' in task_role.inputs["assumeRolePolicy"]
    assert not [
        r
        for r in program.of_type("aws:iam/rolePolicy:RolePolicy")
        if r.inputs["role"] == task_role.state["id"]
    ]
    assert not program.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert not program.of_type("aws:iam/policy:Policy")
    assert "managedPolicyArns" not in task_role.inputs
    assert "inlinePolicies" not in task_role.inputs


def test_service_network_and_deployment(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    service = program.one(SERVICE)
    inputs = service.inputs
    private = sorted(
        s.state["id"] for s in program.of_type("aws:ec2/subnet:Subnet") if "private" in s.name
    )
    network = inputs["networkConfiguration"]
    assert sorted(network["subnets"]) == private
    assert network["assignPublicIp"] is False
    service_sg = program.one(SG, "web-service-sg")
    assert network["securityGroups"] == [service_sg.state["id"]]
    target_group = program.one("aws:lb/targetGroup:TargetGroup")
    assert inputs["loadBalancers"] == [
        {
            "targetGroupArn": target_group.state["arn"],
            "containerName": "webapp",
            "containerPort": 8080,
        }
    ]
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert inputs["waitForSteadyState"] is True, "a crashing task must fail `pulumi up`"
    assert inputs["healthCheckGracePeriodSeconds"] >= 30
    assert inputs["launchType"] == "FARGATE"
    assert inputs["desiredCount"] == {"dev": 1, "prod": 2}[stack]
    assert inputs["taskDefinition"] == program.one(TASK).state["arn"]
    assert inputs["cluster"] == program.one("aws:ecs/cluster:Cluster").state["arn"]
    listeners = program.of_type(LISTENER)
    assert listeners
    for listener in listeners:
        assert listener.urn in service.dependencies, "the service is created after every listener"

    target = program.one("aws:appautoscaling/target:Target").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == {"dev": (1, 1), "prod": (2, 6)}[stack]
    assert (
        target["resourceId"]
        == f"service/{program.one('aws:ecs/cluster:Cluster').state['name']}/{service.state['name']}"
    )
    assert target["scalableDimension"] == "ecs:service:DesiredCount"
    assert target["serviceNamespace"] == "ecs"
    policy = program.one("aws:appautoscaling/policy:Policy").inputs
    assert policy["policyType"] == "TargetTrackingScaling"
    assert policy["resourceId"] == target["resourceId"]
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ECSServiceAverageCPUUtilization"
    }
    assert 0 < tracking["targetValue"] < 100


def test_load_balancer_target_group_and_listeners(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    alb = program.one("aws:lb/loadBalancer:LoadBalancer")
    public = sorted(
        s.state["id"] for s in program.of_type("aws:ec2/subnet:Subnet") if "public" in s.name
    )
    assert sorted(alb.inputs["subnets"]) == public
    assert alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["internal"] is False
    assert alb.inputs["idleTimeout"] >= 120, "WebSockets need a long idle timeout"
    assert alb.inputs["securityGroups"] == [program.one(SG, "web-alb-sg").state["id"]]
    assert alb.inputs["enableDeletionProtection"] is (stack == "prod")

    tg = program.one("aws:lb/targetGroup:TargetGroup")
    assert tg.inputs["targetType"] == "ip"
    assert tg.inputs["port"] == 8080
    assert tg.inputs["protocol"] == "HTTP"
    assert tg.inputs["vpcId"] == program.one("aws:ec2/vpc:Vpc").state["id"]
    assert tg.inputs["healthCheck"]["path"] == "/healthz"
    assert tg.inputs["healthCheck"]["enabled"] is True
    assert tg.inputs["stickiness"]["type"] == "lb_cookie"
    assert tg.inputs["stickiness"]["enabled"] is True
    assert tg.inputs["stickiness"]["cookieDuration"] > 0
    assert tg.inputs["deregistrationDelay"] <= 60

    listeners = {
        int(listener.inputs["port"]): listener.inputs for listener in program.of_type(LISTENER)
    }
    for listener in listeners.values():
        assert listener["loadBalancerArn"] == alb.state["arn"]
    forward = [{"type": "forward", "targetGroupArn": tg.state["arn"]}]
    if stack == "prod":
        assert set(listeners) == {80, 443}
        https = listeners[443]
        assert https["protocol"] == "HTTPS"
        assert https["certificateArn"] == config_for("prod")[f"{PROJECT}:certificateArn"]
        assert https["sslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2")
        assert https["defaultActions"] == forward
        assert listeners[80]["protocol"] == "HTTP"
        assert listeners[80]["defaultActions"] == [
            {
                "type": "redirect",
                "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
            }
        ]
        # The certificate covers the stack's domainName, not the load balancer's own name.
        assert program.exports["url"] == f"https://{SITE_DOMAIN}"
        assert "warning" not in program.exports
    else:
        # No certificate: CloudFront serves HTTPS; the ALB forwards only CloudFront's requests.
        assert set(listeners) == {80}
        assert listeners[80]["protocol"] == "HTTP"
        assert listeners[80]["defaultActions"] == [
            {
                "type": "fixed-response",
                "fixedResponse": {
                    "contentType": "text/plain",
                    "messageBody": "Forbidden",
                    "statusCode": "403",
                },
            }
        ], "a request without CloudFront's header is refused"
        assert "certificateArn" not in listeners[80]
        rule = program.one("aws:lb/listenerRule:ListenerRule").inputs
        assert rule["actions"] == forward
        assert program.exports["url"] == "https://d111111abcdef8.cloudfront.net"
    assert "warning" not in program.exports, "no stack serves plain HTTP any more"
    assert all(str(url).startswith("https://") for url in [program.exports["url"]])


def test_security_group_chain(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    alb_sg = program.one(SG, "web-alb-sg")
    service_sg = program.one(SG, "web-service-sg")
    for group in (alb_sg, service_sg):
        assert "ingress" not in group.inputs or group.inputs["ingress"] == []
        assert "egress" not in group.inputs or group.inputs["egress"] == []
        assert group.inputs["vpcId"] == program.one("aws:ec2/vpc:Vpc").state["id"]

    def rules(kind: str, group: Any) -> list[dict[str, Any]]:
        return [
            r.inputs
            for r in program.of_type(kind)
            if r.inputs["securityGroupId"] == group.state["id"]
        ]

    alb_in = rules(INGRESS, alb_sg)
    if stack == "prod":
        assert sorted(
            (r["fromPort"], r["toPort"], r["ipProtocol"], r["cidrIpv4"]) for r in alb_in
        ) == [(80, 80, "tcp", "0.0.0.0/0"), (443, 443, "tcp", "0.0.0.0/0")]
    else:
        # Only CloudFront's origin-facing addresses reach the ALB, and only on port 80.
        assert [
            (r["fromPort"], r["toPort"], r["ipProtocol"], r["prefixListId"]) for r in alb_in
        ] == [(80, 80, "tcp", PREFIX_LIST_ID)]
        assert "cidrIpv4" not in alb_in[0]
        assert "cidrIpv6" not in alb_in[0]
        lookups = [a for t, a in program.calls if t.endswith("getManagedPrefixList")]
        assert lookups == [{"name": "com.amazonaws.global.cloudfront.origin-facing"}]
    service_in = rules(INGRESS, service_sg)
    assert len(service_in) == 1
    assert service_in[0]["referencedSecurityGroupId"] == alb_sg.state["id"]
    assert (service_in[0]["fromPort"], service_in[0]["toPort"], service_in[0]["ipProtocol"]) == (
        8080,
        8080,
        "tcp",
    )
    assert "cidrIpv4" not in service_in[0]
    assert "cidrIpv6" not in service_in[0]
    alb_out = rules(EGRESS, alb_sg)
    assert len(alb_out) == 1
    assert alb_out[0]["referencedSecurityGroupId"] == service_sg.state["id"]
    assert (alb_out[0]["fromPort"], alb_out[0]["toPort"]) == (8080, 8080)
    service_out = rules(EGRESS, service_sg)
    https_out = [r for r in service_out if "cidrIpv4" in r]
    assert [(r["fromPort"], r["toPort"], r["ipProtocol"]) for r in https_out] == [(443, 443, "tcp")]
    cache_in: list[dict[str, Any]] = []
    caches = program.of_type(SG)
    cache_groups = [g for g in caches if g.name == "sessions-cache-sg"]
    if stack == "prod":  # sessionStore redis: tasks <-> the cache, on the Valkey port only
        (cache_sg,) = cache_groups
        cache_out = [r for r in service_out if "cidrIpv4" not in r]
        assert [
            (r["fromPort"], r["toPort"], r["ipProtocol"], r["referencedSecurityGroupId"])
            for r in cache_out
        ] == [(6379, 6379, "tcp", cache_sg.state["id"])]
        cache_in = rules(INGRESS, cache_sg)
        assert [
            (r["fromPort"], r["toPort"], r["ipProtocol"], r["referencedSecurityGroupId"])
            for r in cache_in
        ] == [(6379, 6379, "tcp", service_sg.state["id"])], "only the tasks, only 6379"
        assert not rules(EGRESS, cache_sg), "the cache opens no connection"
        assert cache_sg.inputs["vpcId"] == program.one("aws:ec2/vpc:Vpc").state["id"]
    else:
        assert cache_groups == []
        assert service_out == https_out
    # Every rule belongs to one of the groups: nothing else opens a port.
    assert len(program.of_type(INGRESS)) == len(alb_in) + len(service_in) + len(cache_in)
    assert len(program.of_type(EGRESS)) == len(alb_out) + len(service_out)


def _task_environment(program: Program) -> dict[str, str]:
    """What the container would see: its plain environment plus its secrets' stored values."""
    container = _container(program)
    env = {e["name"]: e["value"] for e in container["environment"]}
    versions = {
        r.state["secretId"]: unsecret(r.inputs["secretString"])[1]
        for r in program.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    }
    for secret in container["secrets"]:
        owner = next(
            r
            for r in program.of_type("aws:secretsmanager/secret:Secret")
            if r.state["arn"] == secret["valueFrom"]
        )
        env[secret["name"]] = versions[owner.state["id"]]
    return env


def test_the_task_environment_is_one_the_web_app_accepts(stack: str) -> None:
    """The app refuses a bad deployment at start-up; this deployment is not one."""
    from webapp.config import ConfigError, config_from_env

    program = run_program(config_for(stack), stack=stack)
    env = _task_environment(program)
    config = config_from_env(env)
    assert config.mode == "cognito"
    assert config.store_kind == {"dev": "memory", "prod": "redis"}[stack]
    assert config.trusted_proxy_hops == {"dev": 2, "prod": 1}[stack]
    public = {"dev": "d111111abcdef8.cloudfront.net", "prod": SITE_DOMAIN}[stack]
    assert public in config.trusted_hosts
    if stack == "prod":
        assert config.redis_url.startswith("rediss://")
        assert len(config.session_key) == 32
        # Without the cache the same task environment is refused (six tasks, no shared store).
        without = {k: v for k, v in env.items() if k != "REDIS_URL"}
        with pytest.raises(ConfigError, match="MAX_TASKS is 6 but REDIS_URL is not set"):
            config_from_env(without)
