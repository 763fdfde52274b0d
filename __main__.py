"""The Pulumi program: read the stack's config, build one component per concern, export.

Everything that decides how a resource looks lives in infra/; this file only wires them.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from functions.settings import APP_NAME, pool_settings_to_env
from infra.auth import COGNITO_TIMEOUT_SECONDS, Auth, AuthArgs
from infra.config import BRAND_LOGO_URL, BRAND_PRIMARY_COLOR, load_stack_config
from infra.email import Email, EmailArgs
from infra.firewall import AccessLogs, AccessLogsArgs, Firewall, FirewallArgs
from infra.network import Network, NetworkArgs
from infra.operations import Operations, OperationsArgs
from infra.sessions import Sessions, SessionsArgs
from infra.web import ACCESS_LOG_PREFIX, Web, WebArgs

ROOT = Path(__file__).resolve().parent
project, stack = pulumi.get_project(), pulumi.get_stack()
config = load_stack_config(pulumi.Config().get, region=pulumi.Config("aws").get("region"))
tags = {"project": project, "stack": stack}
log_group_prefix = f"/{project}/{stack}"
region = aws.get_region_output().region
account_id = aws.get_caller_identity_output().account_id

network = Network("network", NetworkArgs(nat_per_az=config.nat_per_az, tags=tags))
email = Email(
    "email",
    EmailArgs(
        sender_email=config.sender_email,
        sender_domain=config.sender_domain,
        configuration_set_name=f"{project}-{stack}",
        tags=tags,
    ),
)
auth = Auth(
    "auth",
    AuthArgs(
        login=config.login,
        sender_identity_arn=email.identity_arn,
        configuration_set_name=email.configuration_set_name,
        account_id=account_id,
        reply_to_email=config.reply_to_email,
        code_dir=ROOT / "functions",
        log_group_prefix=log_group_prefix,
        log_retention_days=config.log_retention_days,
        deletion_protection=config.deletion_protection,
        threat_protection=config.threat_protection,
        tags=tags,
    ),
)
# Shared browser state for more than one task; `sessionStore: memory` (one task) creates none.
sessions = (
    Sessions(
        "sessions",
        SessionsArgs(
            vpc_id=network.vpc.id,
            private_subnet_ids=[subnet.id for subnet in network.private_subnets],
            max_data_gb=config.session_cache_max_gb,
            max_ecpu_per_second=config.session_cache_max_ecpu_per_second,
            tags=tags,
        ),
    )
    if config.session_store == "redis"
    else None
)
access_logs = AccessLogs(
    "access-logs",
    AccessLogsArgs(
        account_id=account_id,
        region=region,
        prefix=ACCESS_LOG_PREFIX,
        retention_days=config.log_retention_days,
        force_destroy=not config.deletion_protection,
        tags=tags,
    ),
)
web = Web(
    "web",
    WebArgs(
        vpc_id=network.vpc.id,
        account_id=account_id,
        public_subnet_ids=[subnet.id for subnet in network.public_subnets],
        private_subnet_ids=[subnet.id for subnet in network.private_subnets],
        user_pool_id=auth.user_pool.id,
        client_id=auth.client.id,
        region=region,
        app_env={
            APP_NAME.env: config.login.triggers.app_name,
            **pool_settings_to_env(config.login.pool),
            # The brand (webapp/brand.py), only when set: the app keeps its own defaults.
            **({BRAND_LOGO_URL.env: config.brand_logo_url} if config.brand_logo_url else {}),
            **(
                {BRAND_PRIMARY_COLOR.env: config.brand_primary_color}
                if config.brand_primary_color
                else {}
            ),
        },
        task_cpu=config.task_cpu,
        task_memory=config.task_memory,
        desired_count=config.desired_count,
        min_count=config.min_count,
        max_count=config.max_count,
        log_group_prefix=log_group_prefix,
        log_retention_days=config.log_retention_days,
        deletion_protection=config.deletion_protection,
        build_context=ROOT,
        dockerfile=ROOT / "webapp" / "Dockerfile",
        image_tag=stack,
        certificate_arn=config.certificate_arn,
        domain_name=config.domain_name,
        image=config.image,
        sessions=sessions,
        access_logs_bucket=access_logs.bucket.bucket,
        load_balancer_depends_on=[*network.internet_ready, *access_logs.ready],
        service_depends_on=network.egress_ready,
        tags=tags,
    ),
)
firewall = Firewall(
    "firewall",
    FirewallArgs(
        load_balancer_arn=web.load_balancer.arn,
        behind_cloudfront=web.distribution is not None,
        metric_prefix=f"{project}-{stack}",
        tags=tags,
    ),
)
operations = Operations(
    "operations",
    OperationsArgs(
        function_names={name: fn.name for name, fn in auth.functions.items()},
        function_timeout_seconds=COGNITO_TIMEOUT_SECONDS,
        load_balancer_arn_suffix=web.load_balancer.arn_suffix,
        target_group_arn_suffix=web.target_group.arn_suffix,
        cluster_name=web.cluster.name,
        service_name=web.service.name,
        min_count=config.min_count,
        table_name=auth.limits_table.name,
        configuration_set_name=email.configuration_set_name,
        web_log_group_name=web.log_group.name,
        region=region,
        dashboard_name=f"{project}-{stack}",
        alarm_email=config.alarm_email,
        tags=tags,
    ),
)

pulumi.export("url", web.url)
pulumi.export("userPoolId", auth.user_pool.id)
pulumi.export("userPoolClientId", auth.client.id)
pulumi.export("limitsTableName", auth.limits_table.name)
pulumi.export("region", region)
pulumi.export("senderIdentity", email.identity.email_identity)
pulumi.export("senderVerificationStatus", email.verification_status)
pulumi.export("dkimRecords", email.dkim_records)
pulumi.export(
    "logGroupNames",
    pulumi.Output.all(web.log_group.name, auth.log_group_names).apply(
        lambda v: {"webapp": v[0], **v[1]}
    ),
)
pulumi.export("loadBalancerDnsName", web.load_balancer.dns_name)
pulumi.export("imageRef", web.image_ref)
pulumi.export("alarmTopicArn", operations.topic.arn)
pulumi.export("dashboardName", operations.dashboard.dashboard_name)
pulumi.export("trustedHosts", web.trusted_hosts)
pulumi.export("webAclArn", firewall.web_acl.arn)
pulumi.export("accessLogBucket", access_logs.bucket.bucket)
pulumi.export("sessionStore", config.session_store)
pulumi.export("sessionCacheName", sessions.cache.name if sessions else None)
