"""The web tier under attack: the load balancer's access logs and the WAF in front of it.

**Access logs** (`AccessLogs`, created before the load balancer, which checks on creation that it
may write): one S3 bucket per stack, private (every public-access block on, ACLs disabled with
BucketOwnerEnforced), encrypted with SSE-S3 (AES-256), the only server-side encryption ALB log
delivery supports (ELB user guide, "Enable access logs for your Application Load Balancer": a
KMS key, even a customer one, makes delivery fail), TLS-only access, and a lifecycle rule that
deletes logs after `logRetentionDays`. Its policy lets exactly the region's ELB log writer put
objects, and only under this account's prefix (`<prefix>/AWSLogs/<account>/`): in the Regions
opened before August 2022 that writer is the Region's Elastic Load Balancing account, elsewhere
the `logdelivery.elasticloadbalancing.amazonaws.com` service principal (the same guide, "Attach a
policy to your S3 bucket"). No aws:SourceAccount/SourceArn condition: the guide documents none
for ALB log delivery, the account principal never carries them (a condition on an absent key
denies, silently stopping the logs), and the account-scoped prefix already confines delivery
to this account's load balancers.

**WAF** (`Firewall`, after the load balancer, which it is associated with): a regional web ACL
with AWS's managed IP reputation list, known bad inputs and core rule set, and two rate-based
rules per client address, both answering 429:

- the sign-in paths (every page of the journey), 300 requests per 5 minutes. A person signing
  in loads 3 to 6 of these pages; 300 is 50 or more people behind one office or campus address
  signing in within the same 5 minutes, while a script hammering the forms is cut off after a
  second or so of full speed. The app's own limits (per address and per account, per form) stay
  the precise ones; this rule sheds floods before they reach a task (each page load holds server
  memory for its client).
- socket.io handshakes (`/_nicegui_ws/` without a session id: one per page opened, and one per
  reconnect), 600 per 5 minutes: every page, not only the sign-in ones, opens one, and a
  reconnecting network may open a few more.

Behind CloudFront the WAF sees CloudFront's addresses, not the client's, so the rate rules count
by the first address of X-Forwarded-For (which CloudFront fills with the viewer's address when the
client sent none). A client can put another address there, so behind CloudFront these two rules
are a coarse guard only; the app counts by the entry our own proxies wrote. The IP reputation list
also judges the connecting address: it protects a stack whose load balancer is reached directly
(with a certificate); behind CloudFront only CloudFront can connect, and the list is inert.

Every rule publishes CloudWatch metrics and keeps sampled requests. The socket.io rule relies on
a label added by a counting rule, so that no rule nests statements more than three levels deep
(the deepest the provider's `rules` block accepts).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi
import pulumi_aws as aws

SIGN_IN_PATHS: Final = ("/signin", "/signup", "/forgot", "/reset", "/confirm", "/code")
"""Every page of the journey (webapp/pages): the paths a credential or code attack goes through."""
SOCKET_PATH: Final = "/_nicegui_ws/"
"""NiceGUI's socket.io endpoint; a request without the `sid` query argument is a handshake."""
SOCKET_SESSION_ARGUMENT: Final = "sid"
RATE_WINDOW_SECONDS: Final = 300
SIGN_IN_LIMIT: Final = 300
SOCKET_HANDSHAKE_LIMIT: Final = 600
RATE_LIMITED_STATUS: Final = 429
HANDSHAKE_LABEL: Final = "socket-handshake"
FORWARDED_FOR: Final = "X-Forwarded-For"
MANAGED_RULE_GROUPS: Final = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesCommonRuleSet",
)
ELB_LOG_PRINCIPAL: Final = "logdelivery.elasticloadbalancing.amazonaws.com"
# Regions opened before August 2022 deliver ALB logs from the Region's Elastic Load Balancing
# account (ELB user guide, "Enable access logs for your Application Load Balancer", step 2);
# Regions opened since then use ELB_LOG_PRINCIPAL.
ELB_LOG_ACCOUNTS: Final[Mapping[str, str]] = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
}


def log_writer_principal(region: str, partition: str = "aws") -> dict[str, str]:
    """Who writes a Region's ALB access logs: its ELB account, or the log delivery service."""
    account = ELB_LOG_ACCOUNTS.get(region)
    if account:
        return {"AWS": f"arn:{partition}:iam::{account}:root"}
    return {"Service": ELB_LOG_PRINCIPAL}


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def log_bucket_policy(bucket_arn: str, prefix: str, account_id: str, region: str) -> str:
    """Only the Region's ELB log writer may put objects, under this account's prefix; TLS only."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ElbLogDelivery",
                    "Effect": "Allow",
                    "Principal": log_writer_principal(region, partition_of(region)),
                    "Action": "s3:PutObject",
                    "Resource": f"{bucket_arn}/{prefix}/AWSLogs/{account_id}/*",
                },
                {
                    "Sid": "TlsOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )


@dataclass
class AccessLogsArgs:
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    prefix: str
    """The key prefix the load balancer writes under (infra/web.py ACCESS_LOG_PREFIX)."""
    retention_days: int
    force_destroy: bool
    """Let `pulumi destroy` delete a bucket that still holds logs (stacks without protection)."""
    tags: dict[str, str] = field(default_factory=dict)


class AccessLogs(pulumi.ComponentResource):
    """The private, encrypted S3 bucket the load balancer writes its access logs to."""

    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy
    ready: list[pulumi.Resource]
    """Everything the load balancer needs before it enables logging (policy, encryption, ...)."""

    def __init__(
        self, name: str, args: AccessLogsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:AccessLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket", force_destroy=args.force_destroy, tags=args.tags, opts=child
        )
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        public_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    )
                )
            ],
            opts=child,
        )
        lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(
                        prefix=f"{args.prefix}/"
                    ),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                        days=args.retention_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                )
            ],
            opts=child,
        )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=pulumi.Output.all(self.bucket.arn, args.account_id, args.region).apply(
                lambda v: log_bucket_policy(v[0], args.prefix, v[1], v[2])
            ),
            # S3 refuses a policy while a public-access block change is in flight.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_block]),
        )
        self.ready = [ownership, public_block, encryption, lifecycle, self.policy]
        self.register_outputs({"bucket_name": self.bucket.bucket})


def _visibility(metric: str) -> dict[str, Any]:
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": metric,
        "sampled_requests_enabled": True,
    }


def _starts_with(path: str) -> dict[str, Any]:
    return {
        "byte_match_statement": {
            "search_string": path,
            "positional_constraint": "STARTS_WITH",
            "field_to_match": {"uri_path": {}},
            "text_transformations": [{"priority": 0, "type": "NONE"}],
        }
    }


def _rate_limit(limit: int, behind_cloudfront: bool, scope_down: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "limit": limit,
        "evaluation_window_sec": RATE_WINDOW_SECONDS,
        "aggregate_key_type": "FORWARDED_IP" if behind_cloudfront else "IP",
        "scope_down_statement": scope_down,
    }
    if behind_cloudfront:
        # MATCH: a request without the header still counts (against a "missing" bucket).
        statement["forwarded_ip_config"] = {
            "header_name": FORWARDED_FOR,
            "fallback_behavior": "MATCH",
        }
    return {"rate_based_statement": statement}


def _too_many() -> dict[str, Any]:
    return {"block": {"custom_response": {"response_code": RATE_LIMITED_STATUS}}}


def _managed(name: str, priority: int, metric_prefix: str) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": name}},
        "visibility_config": _visibility(f"{metric_prefix}-{name}"),
    }


def web_acl_rules(metric_prefix: str, behind_cloudfront: bool) -> list[dict[str, Any]]:
    """The rules in evaluation order: cheap and decisive first, content inspection last."""
    ip_reputation, known_bad_inputs, common = MANAGED_RULE_GROUPS
    return [
        _managed(ip_reputation, 0, metric_prefix),
        {
            "name": "sign-in-rate",
            "priority": 1,
            "action": _too_many(),
            "statement": _rate_limit(
                SIGN_IN_LIMIT,
                behind_cloudfront,
                {"or_statement": {"statements": [_starts_with(p) for p in SIGN_IN_PATHS]}},
            ),
            "visibility_config": _visibility(f"{metric_prefix}-sign-in-rate"),
        },
        {
            # Counts (so evaluation goes on) and labels socket.io handshakes for the next rule.
            "name": "label-socket-handshake",
            "priority": 2,
            "action": {"count": {}},
            "rule_labels": [{"name": HANDSHAKE_LABEL}],
            "statement": {
                "and_statement": {
                    "statements": [
                        _starts_with(SOCKET_PATH),
                        {
                            "not_statement": {
                                "statement": {
                                    "size_constraint_statement": {
                                        "comparison_operator": "GT",
                                        "size": 0,
                                        "field_to_match": {
                                            "single_query_argument": {
                                                "name": SOCKET_SESSION_ARGUMENT
                                            }
                                        },
                                        "text_transformations": [{"priority": 0, "type": "NONE"}],
                                    }
                                }
                            }
                        },
                    ]
                }
            },
            "visibility_config": _visibility(f"{metric_prefix}-socket-handshakes"),
        },
        {
            "name": "socket-handshake-rate",
            "priority": 3,
            "action": _too_many(),
            "statement": _rate_limit(
                SOCKET_HANDSHAKE_LIMIT,
                behind_cloudfront,
                {"label_match_statement": {"scope": "LABEL", "key": HANDSHAKE_LABEL}},
            ),
            "visibility_config": _visibility(f"{metric_prefix}-socket-handshake-rate"),
        },
        _managed(known_bad_inputs, 4, metric_prefix),
        _managed(common, 5, metric_prefix),
    ]


@dataclass
class FirewallArgs:
    load_balancer_arn: pulumi.Input[str]
    behind_cloudfront: bool
    """True without a certificate: the load balancer is reached only through CloudFront."""
    metric_prefix: str
    tags: dict[str, str] = field(default_factory=dict)


class Firewall(pulumi.ComponentResource):
    """A regional WAF web ACL on the load balancer."""

    web_acl: aws.wafv2.WebAcl
    association: aws.wafv2.WebAclAssociation

    def __init__(
        self, name: str, args: FirewallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Firewall", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        rules: Sequence[Any] = web_acl_rules(args.metric_prefix, args.behind_cloudfront)
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            scope="REGIONAL",
            description="Managed rules and per-address rate limits in front of the login",
            default_action=aws.wafv2.WebAclDefaultActionArgs(
                allow=aws.wafv2.WebAclDefaultActionAllowArgs()
            ),
            rules=rules,
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                **_visibility(args.metric_prefix)
            ),
            tags=args.tags,
            opts=child,
        )
        self.association = aws.wafv2.WebAclAssociation(
            f"{name}-association",
            resource_arn=args.load_balancer_arn,
            web_acl_arn=self.web_acl.arn,
            opts=child,
        )
        self.register_outputs({"web_acl_arn": self.web_acl.arn})
