"""Operations: one alarm topic, the alarms for what hurts users, and one dashboard.

An alarm exists for each thing a user notices: a trigger that fails, is throttled or runs close to
Cognito's 5 s limit (the sign-in fails or the code comes twice); load balancer 5xx, unhealthy
targets and slow answers; fewer running tasks than `minCount`; an SES bounce or complaint rate
close to the one at which AWS reviews (and may pause) the account's sending; a throttled limits
table (no code is issued then). Every alarm notifies the SNS topic when it fires and when it clears;
`alarmEmail` subscribes an address to it. The topic is not encrypted: CloudWatch cannot publish to
a topic under the AWS-managed SNS key, and alarm messages carry no secret.

The alarm definitions are plain data (`AlarmSpec`), built by pure functions, so tests read them
without a cloud; `Operations` turns them into resources.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi
import pulumi_aws as aws

PERIOD_SECONDS: Final = 300
TRIGGER_DURATION_ALARM_FRACTION: Final = 0.8
"""Alarm when a trigger's slowest run in 5 minutes passes 80 % of its timeout."""
SES_BOUNCE_RATE_ALARM: Final = 0.04
"""AWS reviews an account at a 5 % bounce rate (SES developer guide, reputation metrics)."""
SES_COMPLAINT_RATE_ALARM: Final = 0.0008
"""AWS reviews an account at a 0.1 % complaint rate."""
TARGET_RESPONSE_P95_SECONDS: Final = 2.0
LOAD_BALANCER_5XX_PER_PERIOD: Final = 5


@dataclass(frozen=True)
class AlarmSpec:
    """One CloudWatch metric alarm, as data."""

    name: str
    description: str
    namespace: str
    metric: str
    dimensions: Mapping[str, pulumi.Input[str]]
    comparison: str
    threshold: float
    statistic: str | None = "Sum"
    extended_statistic: str | None = None
    period: int = PERIOD_SECONDS
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    treat_missing_data: str = "notBreaching"


@dataclass
class OperationsArgs:
    """What the alarms watch, by the names and ids CloudWatch knows them by."""

    function_names: Mapping[str, pulumi.Input[str]]
    function_timeout_seconds: int
    load_balancer_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    min_count: int
    table_name: pulumi.Input[str]
    configuration_set_name: pulumi.Input[str]
    web_log_group_name: pulumi.Input[str]
    region: pulumi.Input[str]
    dashboard_name: str
    alarm_email: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


def trigger_alarms(
    trigger: str, function_name: pulumi.Input[str], timeout_seconds: int
) -> list[AlarmSpec]:
    """Errors, throttles and a duration close to the timeout of one trigger."""
    dims = {"FunctionName": function_name}
    limit_ms = timeout_seconds * 1000 * TRIGGER_DURATION_ALARM_FRACTION
    return [
        AlarmSpec(
            f"{trigger}-errors",
            f"The {trigger} trigger failed: Cognito fails or retries the sign-in step.",
            "AWS/Lambda",
            "Errors",
            dims,
            "GreaterThanThreshold",
            0,
        ),
        AlarmSpec(
            f"{trigger}-throttles",
            f"The {trigger} trigger was throttled (account concurrency): sign-ins fail.",
            "AWS/Lambda",
            "Throttles",
            dims,
            "GreaterThanThreshold",
            0,
        ),
        AlarmSpec(
            f"{trigger}-duration",
            f"The {trigger} trigger ran over {limit_ms:.0f} ms, close to Cognito's "
            f"{timeout_seconds} s limit (a timeout fails the step or mails a code twice).",
            "AWS/Lambda",
            "Duration",
            dims,
            "GreaterThanThreshold",
            limit_ms,
            statistic="Maximum",
        ),
    ]


def web_alarms(
    load_balancer: pulumi.Input[str],
    target_group: pulumi.Input[str],
    cluster: pulumi.Input[str],
    service: pulumi.Input[str],
    min_count: int,
) -> list[AlarmSpec]:
    """What the browser sees: 5xx, unhealthy or missing tasks, slow answers."""
    alb = {"LoadBalancer": load_balancer}
    targets = {"LoadBalancer": load_balancer, "TargetGroup": target_group}
    return [
        AlarmSpec(
            "alb-5xx",
            "The load balancer answered 5xx itself (no healthy task, or a task's connection "
            "failed).",
            "AWS/ApplicationELB",
            "HTTPCode_ELB_5XX_Count",
            alb,
            "GreaterThanOrEqualToThreshold",
            LOAD_BALANCER_5XX_PER_PERIOD,
        ),
        AlarmSpec(
            "target-5xx",
            "The web app answered 5xx.",
            "AWS/ApplicationELB",
            "HTTPCode_Target_5XX_Count",
            targets,
            "GreaterThanOrEqualToThreshold",
            LOAD_BALANCER_5XX_PER_PERIOD,
        ),
        AlarmSpec(
            "unhealthy-hosts",
            "A web task fails its health check for three minutes.",
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            targets,
            "GreaterThanThreshold",
            0,
            statistic="Maximum",
            period=60,
            evaluation_periods=3,
        ),
        AlarmSpec(
            "target-response-time",
            f"The app's 95th percentile answer took over {TARGET_RESPONSE_P95_SECONDS:.0f} s "
            "for ten minutes.",
            "AWS/ApplicationELB",
            "TargetResponseTime",
            targets,
            "GreaterThanThreshold",
            TARGET_RESPONSE_P95_SECONDS,
            statistic=None,
            extended_statistic="p95",
            evaluation_periods=2,
        ),
        AlarmSpec(
            "running-tasks",
            f"Fewer than minCount ({min_count}) web tasks run for five minutes.",
            "ECS/ContainerInsights",
            "RunningTaskCount",
            {"ClusterName": cluster, "ServiceName": service},
            "LessThanThreshold",
            min_count,
            statistic="Minimum",
            period=60,
            evaluation_periods=5,
            # No data at all means no task reports: as bad as none running.
            treat_missing_data="breaching",
        ),
    ]


def mail_and_table_alarms(table: pulumi.Input[str]) -> list[AlarmSpec]:
    """The account's SES reputation and the limits table's throttling."""
    return [
        AlarmSpec(
            "ses-bounce-rate",
            f"SES bounce rate over {SES_BOUNCE_RATE_ALARM:.0%}: AWS reviews the account at 5 %.",
            "AWS/SES",
            "Reputation.BounceRate",
            {},
            "GreaterThanThreshold",
            SES_BOUNCE_RATE_ALARM,
            statistic="Maximum",
            period=3600,
        ),
        AlarmSpec(
            "ses-complaint-rate",
            f"SES complaint rate over {SES_COMPLAINT_RATE_ALARM:.2%}: AWS reviews the account "
            "at 0.1 %.",
            "AWS/SES",
            "Reputation.ComplaintRate",
            {},
            "GreaterThanThreshold",
            SES_COMPLAINT_RATE_ALARM,
            statistic="Maximum",
            period=3600,
        ),
        AlarmSpec(
            "limits-read-throttles",
            "The limits table throttled reads: Create issues no code while it cannot count.",
            "AWS/DynamoDB",
            "ReadThrottleEvents",
            {"TableName": table},
            "GreaterThanThreshold",
            0,
        ),
        AlarmSpec(
            "limits-write-throttles",
            "The limits table throttled writes: codes and wrong answers go uncounted.",
            "AWS/DynamoDB",
            "WriteThrottleEvents",
            {"TableName": table},
            "GreaterThanThreshold",
            0,
        ),
    ]


def _metric(namespace: str, name: str, dims: Mapping[str, str], **opts: Any) -> list[Any]:
    row: list[Any] = [namespace, name]
    for key, value in dims.items():
        row += [key, value]
    return [*row, opts] if opts else row


def dashboard_body(
    *,
    region: str,
    functions: Mapping[str, str],
    load_balancer: str,
    target_group: str,
    cluster: str,
    service: str,
    table: str,
    configuration_set: str,
    web_log_group: str,
    alarm_arns: Sequence[str],
) -> str:
    """The dashboard JSON (CloudWatch "Dashboard Body Structure and Syntax")."""

    def widget(
        title: str, metrics: list[list[Any]], y: int, x: int, **props: Any
    ) -> dict[str, Any]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "metrics": metrics,
                "period": PERIOD_SECONDS,
                "stat": "Sum",
                **props,
            },
        }

    fn = list(functions.values())
    targets = {"LoadBalancer": load_balancer, "TargetGroup": target_group}
    ses_dims = {"ses:configuration-set": configuration_set}
    widgets = [
        {
            "type": "alarm",
            "x": 0,
            "y": 0,
            "width": 24,
            "height": 4,
            "properties": {"title": "Alarms", "alarms": list(alarm_arns)},
        },
        widget(
            "Trigger errors and throttles",
            [_metric("AWS/Lambda", "Errors", {"FunctionName": f}) for f in fn]
            + [_metric("AWS/Lambda", "Throttles", {"FunctionName": f}) for f in fn],
            4,
            0,
        ),
        widget(
            "Trigger duration (max, ms)",
            [_metric("AWS/Lambda", "Duration", {"FunctionName": f}) for f in fn],
            4,
            12,
            stat="Maximum",
        ),
        widget(
            "Requests and 5xx",
            [
                _metric("AWS/ApplicationELB", "RequestCount", {"LoadBalancer": load_balancer}),
                _metric(
                    "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", {"LoadBalancer": load_balancer}
                ),
                _metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", targets),
            ],
            10,
            0,
        ),
        widget(
            "Target response time (p95, s) and healthy tasks",
            [
                _metric("AWS/ApplicationELB", "TargetResponseTime", targets, stat="p95"),
                _metric("AWS/ApplicationELB", "HealthyHostCount", targets, stat="Minimum"),
            ],
            10,
            12,
        ),
        widget(
            "Web tasks: CPU and memory (%), running",
            [
                _metric(
                    "AWS/ECS", "CPUUtilization", {"ClusterName": cluster, "ServiceName": service}
                ),
                _metric(
                    "AWS/ECS", "MemoryUtilization", {"ClusterName": cluster, "ServiceName": service}
                ),
                _metric(
                    "ECS/ContainerInsights",
                    "RunningTaskCount",
                    {"ClusterName": cluster, "ServiceName": service},
                    stat="Minimum",
                ),
            ],
            16,
            0,
            stat="Average",
        ),
        widget(
            "Mail: sent, delivered, bounced, complained",
            [
                _metric("AWS/SES", name, ses_dims)
                for name in ("Send", "Delivery", "Bounce", "Complaint", "Reject")
            ],
            16,
            12,
        ),
        widget(
            "Limits table: requests and throttles",
            [
                _metric("AWS/DynamoDB", "ConsumedReadCapacityUnits", {"TableName": table}),
                _metric("AWS/DynamoDB", "ConsumedWriteCapacityUnits", {"TableName": table}),
                _metric("AWS/DynamoDB", "ReadThrottleEvents", {"TableName": table}),
                _metric("AWS/DynamoDB", "WriteThrottleEvents", {"TableName": table}),
            ],
            22,
            0,
        ),
        {
            "type": "log",
            "x": 12,
            "y": 22,
            "width": 12,
            "height": 6,
            "properties": {
                "title": "Sign-in steps by outcome (web app log)",
                "region": region,
                "view": "table",
                "query": (
                    f"SOURCE '{web_log_group}' | filter kind = 'auth_step' "
                    "| stats count() as steps, avg(duration_ms) as avg_ms by step, outcome "
                    "| sort steps desc"
                ),
            },
        },
    ]
    return json.dumps({"widgets": widgets})


class Operations(pulumi.ComponentResource):
    """The alarm topic (and its optional email subscriber), the alarms, the dashboard."""

    topic: aws.sns.Topic
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    dashboard: aws.cloudwatch.Dashboard

    def __init__(
        self, name: str, args: OperationsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Operations", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(f"{name}-alarms", tags=args.tags, opts=child)
        if args.alarm_email:
            aws.sns.TopicSubscription(
                f"{name}-alarm-email",
                topic=self.topic.arn,
                protocol="email",
                endpoint=args.alarm_email,
                opts=child,
            )
        specs = [
            alarm
            for trigger, function_name in args.function_names.items()
            for alarm in trigger_alarms(trigger, function_name, args.function_timeout_seconds)
        ]
        specs += web_alarms(
            args.load_balancer_arn_suffix,
            args.target_group_arn_suffix,
            args.cluster_name,
            args.service_name,
            args.min_count,
        )
        specs += mail_and_table_alarms(args.table_name)
        self.alarms = {}
        for spec in specs:
            self.alarms[spec.name] = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.name}",
                alarm_description=spec.description,
                namespace=spec.namespace,
                metric_name=spec.metric,
                dimensions=dict(spec.dimensions) or None,
                statistic=spec.statistic,
                extended_statistic=spec.extended_statistic,
                period=spec.period,
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.datapoints_to_alarm,
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                treat_missing_data=spec.treat_missing_data,
                alarm_actions=[self.topic.arn],
                ok_actions=[self.topic.arn],
                tags=args.tags,
                opts=child,
            )
        names = list(args.function_names)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=args.dashboard_name,
            dashboard_body=pulumi.Output.all(
                args.region,
                args.load_balancer_arn_suffix,
                args.target_group_arn_suffix,
                args.cluster_name,
                args.service_name,
                args.table_name,
                args.configuration_set_name,
                args.web_log_group_name,
                [a.arn for a in self.alarms.values()],
                *args.function_names.values(),
            ).apply(
                lambda v: dashboard_body(
                    region=v[0],
                    load_balancer=v[1],
                    target_group=v[2],
                    cluster=v[3],
                    service=v[4],
                    table=v[5],
                    configuration_set=v[6],
                    web_log_group=v[7],
                    alarm_arns=v[8],
                    functions=dict(zip(names, v[9:], strict=True)),
                )
            ),
            opts=child,
        )
        self.register_outputs(
            {"topic_arn": self.topic.arn, "dashboard_name": self.dashboard.dashboard_name}
        )
