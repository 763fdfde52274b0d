"""The Pulumi program: read the stack's config, build one component per concern, export.

Everything that decides how a resource looks lives in infra/; this file only wires them.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from functions.settings import APP_NAME, pool_settings_to_env
from infra.auth import Auth, AuthArgs
from infra.config import load_stack_config
from infra.email import Email, EmailArgs
from infra.network import Network, NetworkArgs
from infra.web import Web, WebArgs

ROOT = Path(__file__).resolve().parent
project, stack = pulumi.get_project(), pulumi.get_stack()
config = load_stack_config(pulumi.Config().get)
tags = {"project": project, "stack": stack}
log_group_prefix = f"/{project}/{stack}"
region = aws.get_region_output().region

network = Network("network", NetworkArgs(nat_per_az=config.nat_per_az, tags=tags))
email = Email(
    "email",
    EmailArgs(sender_email=config.sender_email, sender_domain=config.sender_domain, tags=tags),
)
auth = Auth(
    "auth",
    AuthArgs(
        login=config.login,
        sender_identity_arn=email.identity_arn,
        code_dir=ROOT / "functions",
        log_group_prefix=log_group_prefix,
        log_retention_days=config.log_retention_days,
        deletion_protection=config.deletion_protection,
        tags=tags,
    ),
)
web = Web(
    "web",
    WebArgs(
        vpc_id=network.vpc.id,
        public_subnet_ids=[subnet.id for subnet in network.public_subnets],
        private_subnet_ids=[subnet.id for subnet in network.private_subnets],
        user_pool_id=auth.user_pool.id,
        client_id=auth.client.id,
        region=region,
        app_env={
            APP_NAME.env: config.login.triggers.app_name,
            **pool_settings_to_env(config.login.pool),
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
        image=config.image,
        tags=tags,
    ),
)

pulumi.export("url", web.url)
pulumi.export("userPoolId", auth.user_pool.id)
pulumi.export("userPoolClientId", auth.client.id)
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
if not config.certificate_arn:
    pulumi.export(
        "warning",
        "HTTP only: no certificateArn is configured, so passwords, codes and session cookies "
        "cross the internet unencrypted. This stack is not for production.",
    )
