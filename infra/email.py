"""Email: the SES identity the one-time codes and Cognito's own emails are sent from.

The stack creates the identity so that the triggers' send permission can name exactly its ARN.
An address identity is verified by clicking the link SES mails to it; a domain identity by
publishing the three DKIM CNAME records exported here (and it lets any address of the domain be
the sender, which production usually wants).
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
    tags: dict[str, str] = field(default_factory=dict)


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
    identity_arn: pulumi.Output[str]
    verification_status: pulumi.Output[str]
    dkim_records: pulumi.Output[list[dict[str, str]]]

    def __init__(
        self, name: str, args: EmailArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Email", name, None, opts)
        identity_name = args.sender_domain or args.sender_email
        self.identity = aws.sesv2.EmailIdentity(
            f"{name}-identity",
            email_identity=identity_name,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
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
