"""Email: the SES identity the one-time codes and Cognito's own emails are sent from.

The stack creates the identity so that the triggers' send permission can name exactly its ARN.
An address identity is verified by clicking the link SES mails to it; a domain identity by
publishing the three DKIM CNAME records exported here (and it lets any address of the domain be
the sender, which production usually wants).

Every message goes through one SES configuration set, the identity's default (so neither the
triggers nor Cognito have to name it): it publishes send, delivery, bounce and complaint counts
to CloudWatch (the alarms and the dashboard read them), keeps per-set reputation metrics, puts
addresses that bounced or complained on the suppression list, and refuses to deliver a code to
a mail server without TLS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class EmailArgs:
    """The sender of one stack."""

    sender_email: str
    sender_domain: str | None = None
    """When set, the domain is the SES identity (DKIM) instead of the single address."""
    configuration_set_name: str = "login"
    """Unique per account and region: the program names it after the project and stack."""
    tags: dict[str, str] = field(default_factory=dict)


EVENT_TYPES = (
    "SEND",
    "DELIVERY",
    "BOUNCE",
    "COMPLAINT",
    "REJECT",
    "RENDERING_FAILURE",
    "DELIVERY_DELAY",
)
CONFIGURATION_SET_DIMENSION = "ses:configuration-set"
"""SES tags every message with its configuration set under this name (an auto-tag)."""


def dkim_records(domain: str, tokens: list[str]) -> list[dict[str, str]]:
    """The CNAME records SES Easy DKIM needs for a domain identity."""
    return [
        {
            "name": f"{token}._domainkey.{domain}",
            "type": "CNAME",
            "value": f"{token}.dkim.amazonses.com",
        }
        for token in tokens
    ]


class Email(pulumi.ComponentResource):
    """The SES (v2) email identity of the sender, its ARN and verification state."""

    identity: aws.sesv2.EmailIdentity
    configuration_set: aws.sesv2.ConfigurationSet
    configuration_set_name: pulumi.Output[str]
    identity_arn: pulumi.Output[str]
    verification_status: pulumi.Output[str]
    dkim_records: pulumi.Output[list[dict[str, str]]]

    def __init__(
        self, name: str, args: EmailArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Email", name, None, opts)
        identity_name = args.sender_domain or args.sender_email
        child = pulumi.ResourceOptions(parent=self)
        self.configuration_set = aws.sesv2.ConfigurationSet(
            f"{name}-configuration-set",
            configuration_set_name=args.configuration_set_name,
            reputation_options=aws.sesv2.ConfigurationSetReputationOptionsArgs(
                reputation_metrics_enabled=True
            ),
            sending_options=aws.sesv2.ConfigurationSetSendingOptionsArgs(sending_enabled=True),
            suppression_options=aws.sesv2.ConfigurationSetSuppressionOptionsArgs(
                suppressed_reasons=["BOUNCE", "COMPLAINT"]
            ),
            # A code is a secret: never hand it to a receiving server in clear text.
            delivery_options=aws.sesv2.ConfigurationSetDeliveryOptionsArgs(tls_policy="REQUIRE"),
            tags=args.tags,
            opts=child,
        )
        self.configuration_set_name = self.configuration_set.configuration_set_name
        aws.sesv2.ConfigurationSetEventDestination(
            f"{name}-cloudwatch-events",
            configuration_set_name=self.configuration_set_name,
            event_destination_name="cloudwatch",
            event_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationArgs(
                enabled=True,
                matching_event_types=list(EVENT_TYPES),
                cloud_watch_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationArgs(
                    dimension_configurations=[
                        aws.sesv2.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationDimensionConfigurationArgs(
                            dimension_name=CONFIGURATION_SET_DIMENSION,
                            dimension_value_source="MESSAGE_TAG",
                            default_dimension_value=args.configuration_set_name,
                        )
                    ]
                ),
            ),
            opts=child,
        )
        self.identity = aws.sesv2.EmailIdentity(
            f"{name}-identity",
            email_identity=identity_name,
            configuration_set_name=self.configuration_set_name,
            tags=args.tags,
            # SES holds one identity per address or domain and region: a replacement (say
            # `pulumi up --replace` to restart verification) must delete the old one first.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.identity_arn = self.identity.arn
        self.verification_status = self.identity.verification_status
        domain = args.sender_domain
        if domain:
            self.dkim_records = self.identity.dkim_signing_attributes.apply(
                lambda attrs: dkim_records(domain, list(attrs.tokens or []) if attrs else [])
            )
        else:
            self.dkim_records = pulumi.Output.from_input([])
        self.register_outputs(
            {
                "identity_arn": self.identity_arn,
                "verification_status": self.verification_status,
                "dkim_records": self.dkim_records,
            }
        )
