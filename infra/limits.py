"""The per-account code limits table (DynamoDB) and the one IAM statement that may use it.

Cognito counts wrong codes per sign-in session only, and whoever knows the password can open as
many sessions as they like; so the triggers keep, per account and across all its sign-ins, the
wrong codes, the lock and the codes emailed this hour in this table (functions/account_store.py).

An item is keyed by a hash of the user's sub and holds only counters, times and the codes' random
ids: never an email address, a code or a token. Every item carries `expires_at` (epoch seconds,
when nothing in it matters any more) and DynamoDB's TTL deletes it some time after that (usually
within days; the triggers judge times themselves), so the table needs no cleanup job. Nor
point-in-time recovery: losing it would only forget counts and locks, never an account.
On-demand billing: a login's traffic is small and bursty, and nothing is paid while idle.
"""

from __future__ import annotations

from typing import Any, Final

import pulumi
import pulumi_aws as aws

LIMITS_KEY: Final = "pk"
"""The hash key (a string: the SHA-256 of the user's sub); the table has no other key."""
LIMITS_TTL_ATTRIBUTE: Final = "expires_at"
LIMITS_ACTIONS: Final = ("dynamodb:GetItem", "dynamodb:PutItem")
"""What functions/account_store.py calls: a consistent read, then a conditional write."""


def limits_table(
    name: str, *, deletion_protection: bool, tags: dict[str, str], opts: pulumi.ResourceOptions
) -> aws.dynamodb.Table:
    """The table: on demand, one string key, TTL on `expires_at`, encrypted with a KMS key.

    Encryption at rest is always on in DynamoDB; `server_side_encryption` enabled moves it from an
    AWS owned key to the account's AWS managed key (aws/dynamodb), whose use CloudTrail records.
    Its key policy admits any principal of the account through DynamoDB, so the triggers' roles
    need no KMS statement.
    """
    return aws.dynamodb.Table(
        name,
        billing_mode="PAY_PER_REQUEST",
        hash_key=LIMITS_KEY,
        attributes=[aws.dynamodb.TableAttributeArgs(name=LIMITS_KEY, type="S")],
        ttl=aws.dynamodb.TableTtlArgs(attribute_name=LIMITS_TTL_ATTRIBUTE, enabled=True),
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
        deletion_protection_enabled=deletion_protection,
        tags=tags,
        opts=opts,
    )


def limits_statement(table_arn: str) -> dict[str, Any]:
    """Read and write items of exactly this table: no index, no scan, no query, no delete."""
    return {
        "Sid": "ReadWriteAccountLimits",
        "Effect": "Allow",
        "Action": list(LIMITS_ACTIONS),
        "Resource": [table_arn],
    }
