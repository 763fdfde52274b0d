"""Operations: alarm topic and subscriber, alarms for what hurts users, dashboard, log retention."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_harness import USER_DOMAIN, Program, config_for, run_program

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TRIGGERS = (
    "define-auth-challenge",
    "create-auth-challenge",
    "verify-auth-challenge",
    "custom-message",
    "post-authentication",
    "post-confirmation",
)


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _alarms(program: Program) -> dict[str, dict[str, Any]]:
    return {a.name.removeprefix("operations-"): a.inputs for a in program.of_type(ALARM)}


def test_alarm_topic_and_its_optional_subscriber() -> None:
    without = run_program(config_for("dev"))
    assert without.one("aws:sns/topic:Topic")
    assert not without.of_type("aws:sns/topicSubscription:TopicSubscription")
    address = f"oncall@{USER_DOMAIN}"
    program = run_program(config_for("dev", alarmEmail=address))
    topic = program.one("aws:sns/topic:Topic")
    subscription = program.one("aws:sns/topicSubscription:TopicSubscription").inputs
    assert subscription == {
        "topic": topic.state["arn"],
        "protocol": "email",
        "endpoint": address,
    }


def test_every_alarm_notifies_the_topic_when_it_fires_and_clears(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    topic = program.one("aws:sns/topic:Topic").state["arn"]
    alarms = _alarms(program)
    expected = {f"{t}-{kind}" for t in TRIGGERS for kind in ("errors", "throttles", "duration")}
    expected |= {"alb-5xx", "target-5xx", "unhealthy-hosts", "target-response-time"}
    expected |= {"running-tasks", "ses-bounce-rate", "ses-complaint-rate"}
    expected |= {"limits-read-throttles", "limits-write-throttles"}
    assert set(alarms) == expected
    for name, alarm in alarms.items():
        assert alarm["alarmActions"] == [topic], name
        assert alarm["okActions"] == [topic], name
        assert alarm["alarmDescription"], name
        assert ("statistic" in alarm) != ("extendedStatistic" in alarm), name


def test_trigger_alarms_watch_each_function_against_cognitos_limit(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    alarms = _alarms(program)
    functions = {
        f.name.removeprefix("auth-"): f for f in program.of_type("aws:lambda/function:Function")
    }
    for trigger, function in functions.items():
        timeout_ms = function.inputs["timeout"] * 1000
        for kind, metric in (("errors", "Errors"), ("throttles", "Throttles")):
            alarm = alarms[f"{trigger}-{kind}"]
            assert alarm["namespace"] == "AWS/Lambda"
            assert alarm["metricName"] == metric
            assert alarm["dimensions"] == {"FunctionName": function.state["name"]}
            assert (alarm["comparisonOperator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)
        duration = alarms[f"{trigger}-duration"]
        assert duration["metricName"] == "Duration"
        assert duration["statistic"] == "Maximum"
        assert 0.5 * timeout_ms <= duration["threshold"] < timeout_ms, "before the timeout hits"
        assert timeout_ms == 5000


def test_web_mail_and_table_alarms_watch_the_right_resources(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    alarms = _alarms(program)
    alb = program.one("aws:lb/loadBalancer:LoadBalancer").state["arnSuffix"]
    tg = program.one("aws:lb/targetGroup:TargetGroup").state["arnSuffix"]
    assert alarms["alb-5xx"]["dimensions"] == {"LoadBalancer": alb}
    for name in ("target-5xx", "unhealthy-hosts", "target-response-time"):
        assert alarms[name]["dimensions"] == {"LoadBalancer": alb, "TargetGroup": tg}, name
    assert alarms["target-response-time"]["extendedStatistic"] == "p95"
    running = alarms["running-tasks"]
    assert running["namespace"] == "ECS/ContainerInsights"
    assert running["dimensions"] == {
        "ClusterName": program.one("aws:ecs/cluster:Cluster").state["name"],
        "ServiceName": program.one("aws:ecs/service:Service").state["name"],
    }
    assert running["comparisonOperator"] == "LessThanThreshold"
    assert running["threshold"] == {"dev": 1, "prod": 2}[stack], "minCount"
    assert running["treatMissingData"] == "breaching", "no data: no task reports"
    assert alarms["ses-bounce-rate"]["metricName"] == "Reputation.BounceRate"
    assert 0 < alarms["ses-bounce-rate"]["threshold"] < 0.05, "before AWS's review at 5 %"
    assert 0 < alarms["ses-complaint-rate"]["threshold"] < 0.001, "before review at 0.1 %"
    table = program.one("aws:dynamodb/table:Table").state["name"]
    for name in ("limits-read-throttles", "limits-write-throttles"):
        assert alarms[name]["dimensions"] == {"TableName": table}, name


def test_ses_publishes_its_events_through_the_identitys_configuration_set(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    config_set = program.one("aws:sesv2/configurationSet:ConfigurationSet")
    name = config_set.inputs["configurationSetName"]
    assert config_set.inputs["reputationOptions"] == {"reputationMetricsEnabled": True}
    assert config_set.inputs["suppressionOptions"] == {"suppressedReasons": ["BOUNCE", "COMPLAINT"]}
    assert config_set.inputs["deliveryOptions"] == {"tlsPolicy": "REQUIRE"}, "codes never in clear"
    identity = program.one("aws:sesv2/emailIdentity:EmailIdentity")
    assert identity.inputs["configurationSetName"] == name, "every send goes through it"
    destination = program.one(
        "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
    ).inputs
    assert destination["configurationSetName"] == name
    event = destination["eventDestination"]
    assert event["enabled"] is True
    assert {"SEND", "DELIVERY", "BOUNCE", "COMPLAINT"} <= set(event["matchingEventTypes"])
    assert "cloudWatchDestination" in event


def test_the_dashboard_shows_every_trigger_alarm_and_the_sign_in_steps(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    dashboard = program.one("aws:cloudwatch/dashboard:Dashboard").inputs
    assert dashboard["dashboardName"] == f"cognito-email-otp-login-{stack}"
    body = json.loads(dashboard["dashboardBody"])
    text = json.dumps(body)
    for function in program.of_type("aws:lambda/function:Function"):
        assert function.state["name"] in text, function.name
    alarm_widget = next(w for w in body["widgets"] if w["type"] == "alarm")
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(
        a.state["arn"] for a in program.of_type(ALARM)
    )
    log_widget = next(w for w in body["widgets"] if w["type"] == "log")
    web_logs = program.one("aws:cloudwatch/logGroup:LogGroup", "web-logs").state["name"]
    assert f"SOURCE '{web_logs}'" in log_widget["properties"]["query"]
    assert "auth_step" in log_widget["properties"]["query"]
    for widget in body["widgets"]:
        assert widget["properties"].get("region", "eu-west-1") == "eu-west-1"


def test_every_log_group_has_the_stacks_retention(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    days = {"dev": 7, "prod": 90}[stack]
    groups = program.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert len(groups) == 8
    for group in groups:
        assert group.inputs["retentionInDays"] == days, group.name
