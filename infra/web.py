"""Web: the NiceGUI app on ECS Fargate behind an Application Load Balancer.

NiceGUI keeps each page's client in one process and talks to it over a WebSocket (socket.io,
which may fall back to long polling), so the ALB keeps connections open for long (idle timeout)
and pins a browser to one task (lb_cookie stickiness). Tasks run in private subnets without
public IPs and accept traffic only from the ALB's security group. The web app calls only public,
unauthenticated Cognito APIs, so its task role has no permissions at all; the execution role may
pull the image, write the task's logs and read exactly the task's secrets.

Every stack serves only HTTPS: with a certificate the ALB terminates TLS itself (HTTP redirects)
for the stack's `domainName`; without one, CloudFront does (infra/edge.py) and the ALB answers only
CloudFront. The tasks are told which host names are theirs (TRUSTED_HOSTS: the public name and the
ALB's) and how many proxies of ours write X-Forwarded-For (TRUSTED_PROXY_HOPS: CloudFront and the
ALB, or the ALB alone), so the app refuses forged Host headers and rate-limits the real client.
The ALB drops malformed headers and writes access logs to the stack's log bucket
(infra/firewall.py); the WAF in front of it is associated there too.

With the shared session store (infra/sessions.py) the tasks get REDIS_URL and
SESSION_ENCRYPTION_KEY as secrets, the execution role may read exactly those (and the storage
secret), and the tasks' security group may reach the cache's port and nothing else new. MAX_TASKS
(the service's maxCount) lets the app refuse to run several tasks without a shared store.

`pulumi up` waits for the service to reach a steady state with healthy tasks, and the service is
created only once what its tasks need exists: listeners, NAT routes, the execution role's policy,
the secrets' values, the session cache and the Container Insights log group.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

from infra import edge
from infra.auth import assume_role_policy
from infra.sessions import ENCRYPTION_KEY_ENV, REDIS_URL_ENV, Sessions

CONTAINER_NAME = "webapp"
CONTAINER_PORT = 8080
HEALTH_CHECK_PATH = "/healthz"
ALB_IDLE_TIMEOUT_SECONDS = 300
"""At least 120 s: an idle NiceGUI page keeps its WebSocket open between socket.io pings."""
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""AWS's recommended policy: TLS 1.3 and 1.2 only, forward-secret ciphers."""
DEREGISTRATION_DELAY_SECONDS = 30
"""Short: a draining task's WebSockets reconnect to another task anyway."""
STICKINESS_SECONDS = 86400
HEALTH_CHECK_GRACE_SECONDS = 60
CPU_TARGET_PERCENT = 60
STORAGE_SECRET_ENV = "STORAGE_SECRET"  # noqa: S105 - the variable name, not its value
ACCESS_LOG_PREFIX = "alb"
PROXY_HOPS_BEHIND_CLOUDFRONT = 2
"""CloudFront appends the viewer's address to X-Forwarded-For, then the ALB appends CloudFront's."""
PROXY_HOPS_DIRECT = 1
ECR_PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
)
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?P<cn>\.cn)?"
    r"/(?P<repo>[^:@]+)"
)


def ecr_repository_arn(image: str) -> str | None:
    """The ECR repository ARN a configured image lives in, or None for another registry."""
    match = _ECR_IMAGE.match(image)
    if not match:
        return None
    partition = "aws-cn" if match["cn"] else "aws"
    return f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repo']}"


def execution_policy(repository_arn: str | None, log_group_arn: str, secret_arns: list[str]) -> str:
    """Pull the image (when it is in ECR), write the task's logs, read exactly its secrets."""
    statements: list[dict[str, Any]] = []
    if repository_arn:
        statements += [
            {
                # GetAuthorizationToken has no resource-level permissions: "*" is the only form.
                "Sid": "EcrLogin",
                "Effect": "Allow",
                "Action": ["ecr:GetAuthorizationToken"],
                "Resource": "*",
            },
            {
                "Sid": "PullImage",
                "Effect": "Allow",
                "Action": list(ECR_PULL_ACTIONS),
                "Resource": [repository_arn],
            },
        ]
    statements += [
        {
            "Sid": "WriteTaskLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_group_arn}:*"],
        },
        {
            "Sid": "ReadTaskSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": list(secret_arns),
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def container_definitions(
    *,
    image: str,
    environment: dict[str, str],
    secrets: dict[str, str],
    log_group: str,
    region: str,
) -> str:
    """The task's single container, as the JSON ECS expects; `secrets` maps names to ARNs."""
    return json.dumps(
        [
            {
                "name": CONTAINER_NAME,
                "image": image,
                "essential": True,
                "portMappings": [{"containerPort": CONTAINER_PORT, "protocol": "tcp"}],
                "environment": [
                    {"name": key, "value": value} for key, value in sorted(environment.items())
                ],
                "secrets": [
                    {"name": key, "valueFrom": arn} for key, arn in sorted(secrets.items())
                ],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": log_group,
                        "awslogs-region": region,
                        "awslogs-stream-prefix": CONTAINER_NAME,
                    },
                },
            }
        ]
    )


@dataclass
class WebArgs:
    """What the web tier needs from the network, the login and the stack's configuration."""

    vpc_id: pulumi.Input[str]
    account_id: pulumi.Input[str]
    public_subnet_ids: list[pulumi.Input[str]]
    private_subnet_ids: list[pulumi.Input[str]]
    user_pool_id: pulumi.Input[str]
    client_id: pulumi.Input[str]
    region: pulumi.Input[str]
    app_env: dict[str, str]
    """APP_NAME and the pool's settings (pool_settings_to_env) the app shows and checks."""
    task_cpu: int
    task_memory: int
    desired_count: int
    min_count: int
    max_count: int
    log_group_prefix: str
    log_retention_days: int
    deletion_protection: bool
    build_context: Path
    dockerfile: Path
    image_tag: str
    certificate_arn: str | None = None
    image: str | None = None
    """A prebuilt image to run; None builds webapp/Dockerfile and pushes it to the stack's ECR."""
    load_balancer_depends_on: list[pulumi.Resource] = field(default_factory=list)
    """The internet gateway and public routes (an ALB needs the VPC's gateway to exist)."""
    service_depends_on: list[pulumi.Resource] = field(default_factory=list)
    """NAT gateways and private routes (tasks pull the image and read the secret through them)."""
    domain_name: str | None = None
    """The host name users reach with certificate_arn (config domainName)."""
    sessions: Sessions | None = None
    """The shared session store; None keeps each browser's state in its task's memory."""
    access_logs_bucket: pulumi.Input[str] | None = None
    """The S3 bucket the ALB writes its access logs to (its policy must exist before the ALB:
    pass the bucket's readiness in load_balancer_depends_on)."""
    tags: dict[str, str] = field(default_factory=dict)


class Web(pulumi.ComponentResource):
    """ECR repository and image, ECS cluster/task/service, autoscaling, ALB and listeners."""

    repository: aws.ecr.Repository
    image_ref: pulumi.Output[str]
    storage_secret: aws.secretsmanager.Secret
    log_group: aws.cloudwatch.LogGroup
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    task_definition: aws.ecs.TaskDefinition
    cluster: aws.ecs.Cluster
    insights_log_group: aws.cloudwatch.LogGroup
    execution_policy: aws.iam.RolePolicy
    storage_secret_version: aws.secretsmanager.SecretVersion
    distribution: aws.cloudfront.Distribution | None
    origin_rule: aws.lb.ListenerRule | None
    origin_secret: aws.secretsmanager.Secret | None
    alb_security_group: aws.ec2.SecurityGroup
    service_security_group: aws.ec2.SecurityGroup
    cache_rules: list[pulumi.Resource]
    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    listeners: list[aws.lb.Listener]
    service: aws.ecs.Service
    url: pulumi.Output[str]
    trusted_hosts: pulumi.Output[str]

    def __init__(
        self, name: str, args: WebArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Web", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = args.tags

        # --- image ---------------------------------------------------------------------------
        self.repository = aws.ecr.Repository(
            f"{name}-repo",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
                scan_on_push=True
            ),
            image_tag_mutability="MUTABLE",  # one tag per stack, re-pushed; tasks pin the digest
            force_delete=not args.deletion_protection,
            tags=tags,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-repo-lifecycle",
            repository=self.repository.name,
            policy=json.dumps(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "description": "Expire untagged images after 14 days",
                            "selection": {
                                "tagStatus": "untagged",
                                "countType": "sinceImagePushed",
                                "countUnit": "days",
                                "countNumber": 14,
                            },
                            "action": {"type": "expire"},
                        },
                        {
                            "rulePriority": 2,
                            "description": "Keep the 20 most recent images",
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": 20,
                            },
                            "action": {"type": "expire"},
                        },
                    ]
                }
            ),
            opts=child,
        )
        repository_arn: pulumi.Input[str | None]
        if args.image:
            self.image_ref = pulumi.Output.from_input(args.image)
            repository_arn = ecr_repository_arn(args.image)
        else:
            token = aws.ecr.get_authorization_token_output(
                registry_id=self.repository.registry_id,
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            image = docker_build.Image(
                f"{name}-image",
                context=docker_build.BuildContextArgs(location=str(args.build_context)),
                dockerfile=docker_build.DockerfileArgs(location=str(args.dockerfile)),
                platforms=[docker_build.Platform.LINUX_AMD64],
                push=True,
                registries=[
                    docker_build.RegistryArgs(
                        address=self.repository.repository_url,
                        username=token.user_name,
                        password=pulumi.Output.secret(token.password),
                    )
                ],
                tags=[self.repository.repository_url.apply(lambda url: f"{url}:{args.image_tag}")],
                opts=child,
            )
            self.image_ref = image.ref
            repository_arn = self.repository.arn

        # --- the storage secret: generated at deploy time, never in source or the image ----------
        self.storage_secret = aws.secretsmanager.Secret(
            f"{name}-storage-secret",
            description="NiceGUI storage_secret: signs the browsers' session cookies.",
            recovery_window_in_days=7,
            tags=tags,
            opts=child,
        )
        random = aws.secretsmanager.get_random_password_output(
            password_length=64,
            exclude_punctuation=True,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.storage_secret_version = aws.secretsmanager.SecretVersion(
            f"{name}-storage-secret",
            secret_id=self.storage_secret.id,
            secret_string=pulumi.Output.secret(random.random_password),
            # The invoke returns a new value on every run; keep the first one so deployments
            # don't sign every browser out. Rotate by replacing this resource on purpose.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
        )

        # --- logs and roles -------------------------------------------------------------------
        trust = pulumi.Output.from_input(args.account_id).apply(
            lambda account: assume_role_policy("ecs-tasks.amazonaws.com", account)
        )
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            # A prefix: a replacement group is created before the old one is deleted.
            name_prefix=f"{args.log_group_prefix}/ecs/{CONTAINER_NAME}-",
            retention_in_days=args.log_retention_days,
            tags=tags,
            opts=child,
        )
        self.execution_role = aws.iam.Role(
            f"{name}-execution",
            assume_role_policy=trust,
            description="ECS agent: pull the web image, write its logs, read its secrets",
            tags=tags,
            opts=child,
        )
        # name -> Secrets Manager ARN of every secret the task receives (and the role may read).
        task_secrets: dict[str, pulumi.Input[str]] = {STORAGE_SECRET_ENV: self.storage_secret.arn}
        if args.sessions:
            task_secrets[REDIS_URL_ENV] = args.sessions.url_secret.arn
            task_secrets[ENCRYPTION_KEY_ENV] = args.sessions.key_secret.arn
        secret_arns = pulumi.Output.all(**task_secrets)
        self.execution_policy = aws.iam.RolePolicy(
            f"{name}-execution",
            role=self.execution_role.id,
            policy=pulumi.Output.all(repository_arn, self.log_group.arn, secret_arns).apply(
                lambda v: execution_policy(v[0], v[1], sorted(v[2].values()))
            ),
            opts=child,
        )
        self.task_role = aws.iam.Role(
            f"{name}-task",
            assume_role_policy=trust,
            description="Web app: no AWS permissions (it calls only public Cognito APIs)",
            tags=tags,
            opts=child,
        )

        # --- ECS ------------------------------------------------------------------------------
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            tags=tags,
            opts=child,
        )
        # Container Insights writes to this group, which it would otherwise create itself and
        # leave behind (with no retention) after `pulumi destroy`. It exists before any task.
        self.insights_log_group = aws.cloudwatch.LogGroup(
            f"{name}-insights",
            name=self.cluster.name.apply(lambda c: f"/aws/ecs/containerinsights/{c}/performance"),
            retention_in_days=args.log_retention_days,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self._security_groups(name, args, tags)

        # --- load balancer --------------------------------------------------------------------
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[self.alb_security_group.id],
            subnets=args.public_subnet_ids,
            idle_timeout=ALB_IDLE_TIMEOUT_SECONDS,
            # Header fields whose names are not valid (anything but letters, digits and hyphens)
            # are removed instead of reaching the app, where proxies and frameworks might read
            # them differently.
            drop_invalid_header_fields=True,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=args.access_logs_bucket, prefix=ACCESS_LOG_PREFIX, enabled=True
            )
            if args.access_logs_bucket is not None
            else None,
            enable_deletion_protection=args.deletion_protection,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.load_balancer_depends_on),
        )
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            port=CONTAINER_PORT,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            deregistration_delay=DEREGISTRATION_DELAY_SECONDS,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                path=HEALTH_CHECK_PATH,
                protocol="HTTP",
                port="traffic-port",
                matcher="200",
                interval=15,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            stickiness=aws.lb.TargetGroupStickinessArgs(
                type="lb_cookie", enabled=True, cookie_duration=STICKINESS_SECONDS
            ),
            tags=tags,
            opts=child,
        )
        self._front_door(name, args, tags)
        self._task(name, args, tags, secret_arns)

        # --- service and autoscaling ----------------------------------------------------------
        self.service = aws.ecs.Service(
            f"{name}-service",
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            desired_count=args.desired_count,
            launch_type="FARGATE",
            platform_version="LATEST",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.private_subnet_ids,
                security_groups=[self.service_security_group.id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=self.target_group.arn,
                    container_name=CONTAINER_NAME,
                    container_port=CONTAINER_PORT,
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            health_check_grace_period_seconds=HEALTH_CHECK_GRACE_SECONDS,
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            # A crashing image or a missing secret must fail `pulumi up`, not leave it green.
            wait_for_steady_state=True,
            tags=tags,
            # The target group must be attached to a listener (or rule) before a service can use
            # it; tasks need NAT routes, the execution policy, the secrets' values, the insights
            # log group and (with Redis) an available cache they may reach before they start,
            # or /healthz fails and the circuit breaker rolls back. Autoscaling owns
            # desiredCount afterwards.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[
                    *self.listeners,
                    *([self.origin_rule] if self.origin_rule else []),
                    self.execution_policy,
                    self.storage_secret_version,
                    self.insights_log_group,
                    *(args.sessions.ready if args.sessions else []),
                    *self.cache_rules,
                    *args.service_depends_on,
                ],
                ignore_changes=["desiredCount"],
            ),
        )
        scaling_target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name),
            min_capacity=args.min_count,
            max_capacity=args.max_count,
            tags=tags,
            opts=child,
        )
        aws.appautoscaling.Policy(
            f"{name}-cpu-scaling",
            policy_type="TargetTrackingScaling",
            service_namespace=scaling_target.service_namespace,
            scalable_dimension=scaling_target.scalable_dimension,
            resource_id=scaling_target.resource_id,
            target_tracking_scaling_policy_configuration=(
                aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=CPU_TARGET_PERCENT,
                    predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                        predefined_metric_type="ECSServiceAverageCPUUtilization"
                    ),
                    scale_in_cooldown=300,
                    scale_out_cooldown=60,
                )
            ),
            opts=child,
        )

        self.register_outputs(
            {
                "url": self.url,
                "image_ref": self.image_ref,
                "log_group_name": self.log_group.name,
                "service_name": self.service.name,
            }
        )

    def _security_groups(self, name: str, args: WebArgs, tags: dict[str, str]) -> None:
        """Internet (or CloudFront) -> ALB -> tasks; tasks -> AWS APIs and the session cache."""
        child = pulumi.ResourceOptions(parent=self)
        self.alb_security_group = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            description="Load balancer: HTTPS (and its redirect) or CloudFront only",
            vpc_id=args.vpc_id,
            revoke_rules_on_delete=True,
            tags=tags,
            opts=child,
        )
        self.service_security_group = aws.ec2.SecurityGroup(
            f"{name}-service-sg",
            description="Web tasks: the container port from the load balancer only",
            vpc_id=args.vpc_id,
            revoke_rules_on_delete=True,
            tags=tags,
            opts=child,
        )
        if args.certificate_arn:
            for port in (80, 443):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-alb-in-{port}",
                    security_group_id=self.alb_security_group.id,
                    description=f"Port {port} from anywhere",
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4="0.0.0.0/0",
                    tags=tags,
                    opts=child,
                )
        else:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-cloudfront",
                security_group_id=self.alb_security_group.id,
                description="HTTP from CloudFront's origin-facing addresses only",
                ip_protocol="tcp",
                from_port=80,
                to_port=80,
                prefix_list_id=edge.cloudfront_prefix_list_id(self),
                tags=tags,
                opts=child,
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-tasks",
            security_group_id=self.alb_security_group.id,
            description="To the web tasks' container port",
            ip_protocol="tcp",
            from_port=CONTAINER_PORT,
            to_port=CONTAINER_PORT,
            referenced_security_group_id=self.service_security_group.id,
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-service-in-alb",
            security_group_id=self.service_security_group.id,
            description="Container port from the load balancer",
            ip_protocol="tcp",
            from_port=CONTAINER_PORT,
            to_port=CONTAINER_PORT,
            referenced_security_group_id=self.alb_security_group.id,
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-service-out-https",
            security_group_id=self.service_security_group.id,
            description="HTTPS to AWS APIs (Cognito, ECR, Secrets Manager, Logs) through NAT",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            tags=tags,
            opts=child,
        )
        self.cache_rules = []
        if args.sessions:
            # Tasks -> the session cache's Valkey port, and the cache admits only the tasks.
            port = args.sessions.port
            self.cache_rules = [
                aws.vpc.SecurityGroupEgressRule(
                    f"{name}-service-out-cache",
                    security_group_id=self.service_security_group.id,
                    description="Valkey (TLS) to the session cache",
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    referenced_security_group_id=args.sessions.security_group.id,
                    tags=tags,
                    opts=child,
                ),
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-cache-in-service",
                    security_group_id=args.sessions.security_group.id,
                    description="Valkey (TLS) from the web tasks",
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    referenced_security_group_id=self.service_security_group.id,
                    tags=tags,
                    opts=child,
                ),
            ]

    def _task(
        self,
        name: str,
        args: WebArgs,
        tags: dict[str, str],
        secret_arns: pulumi.Output[dict[str, str]],
    ) -> None:
        """The task definition: after the front door, which decides host names and proxy hops."""
        child = pulumi.ResourceOptions(parent=self)
        public_host: pulumi.Input[str] = (
            self.distribution.domain_name if self.distribution else (args.domain_name or "")
        )
        self.trusted_hosts = pulumi.Output.all(public_host, self.load_balancer.dns_name).apply(
            lambda names: ",".join(dict.fromkeys(n.lower() for n in names if n))
        )
        proxy_hops = PROXY_HOPS_BEHIND_CLOUDFRONT if self.distribution else PROXY_HOPS_DIRECT
        environment = pulumi.Output.all(
            args.user_pool_id, args.client_id, args.region, self.trusted_hosts
        ).apply(
            lambda v: {
                **args.app_env,
                "HOST": "0.0.0.0",  # noqa: S104 - inside the task; only the ALB's SG reaches it
                "PORT": str(CONTAINER_PORT),
                # Browsers reach every stack over HTTPS (the ALB's certificate or CloudFront's).
                "COOKIE_SECURE": "true",
                "USER_POOL_ID": v[0],
                "CLIENT_ID": v[1],
                "AWS_REGION": v[2],
                # The names users reach (CloudFront's, or domainName) and the ALB's; any other
                # Host is refused. The client is the entry this many hops from the right of
                # X-Forwarded-For; what the client wrote left of it is never trusted.
                "TRUSTED_HOSTS": v[3],
                "TRUSTED_PROXY_HOPS": str(proxy_hops),
                # The app refuses more than one task without a shared session store.
                "MAX_TASKS": str(args.max_count),
            }
        )
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=f"{pulumi.get_project()}-{pulumi.get_stack()}-{CONTAINER_NAME}",
            cpu=str(args.task_cpu),
            memory=str(args.task_memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture="X86_64"
            ),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=pulumi.Output.all(
                self.image_ref,
                environment,
                secret_arns,
                self.log_group.name,
                args.region,
            ).apply(
                lambda v: container_definitions(
                    image=v[0], environment=v[1], secrets=v[2], log_group=v[3], region=v[4]
                )
            ),
            tags=tags,
            opts=child,
        )

    def _front_door(self, name: str, args: WebArgs, tags: dict[str, str]) -> None:
        """Listeners: HTTPS on the ALB with a certificate, else CloudFront and a guarded HTTP."""
        child = pulumi.ResourceOptions(parent=self)
        forward = aws.lb.ListenerDefaultActionArgs(
            type="forward", target_group_arn=self.target_group.arn
        )
        if args.certificate_arn:
            https = aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=self.load_balancer.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=TLS_POLICY,
                certificate_arn=args.certificate_arn,
                default_actions=[forward],
                tags=tags,
                opts=child,
            )
            http = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[
                    aws.lb.ListenerDefaultActionArgs(
                        type="redirect",
                        redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                            protocol="HTTPS", port="443", status_code="HTTP_301"
                        ),
                    )
                ],
                tags=tags,
                opts=child,
            )
            self.listeners = [https, http]
            # domainName is required with a certificate (infra/config.py): the certificate names
            # it, not the load balancer's own amazonaws.com name.
            self.url = pulumi.Output.concat(
                "https://", args.domain_name or self.load_balancer.dns_name
            )
            self.distribution = None
            self.origin_rule = None
            self.origin_secret = None
        else:
            # CloudFront only: the ALB forwards requests that carry CloudFront's secret header.
            secret, version = edge.origin_secret(name, tags, self)
            header_value = version.secret_string.apply(lambda v: v or "")
            http = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[
                    aws.lb.ListenerDefaultActionArgs(
                        type="fixed-response",
                        fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                            content_type="text/plain",
                            message_body="Forbidden",
                            status_code="403",
                        ),
                    )
                ],
                tags=tags,
                opts=child,
            )
            self.origin_rule = aws.lb.ListenerRule(
                f"{name}-from-cloudfront",
                listener_arn=http.arn,
                priority=1,
                conditions=[
                    aws.lb.ListenerRuleConditionArgs(
                        http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(
                            http_header_name=edge.ORIGIN_HEADER, values=[header_value]
                        )
                    )
                ],
                actions=[
                    aws.lb.ListenerRuleActionArgs(
                        type="forward", target_group_arn=self.target_group.arn
                    )
                ],
                tags=tags,
                opts=child,
            )
            self.distribution = edge.distribution(
                name,
                origin_domain=self.load_balancer.dns_name,
                secret_value=header_value,
                comment=f"{pulumi.get_project()} {pulumi.get_stack()}: HTTPS in front of the ALB",
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.origin_rule]),
            )
            self.origin_secret = secret
            self.listeners = [http]
            self.url = pulumi.Output.concat("https://", self.distribution.domain_name)
