"""The edge of a stack without a certificate: CloudFront (HTTPS) in front of the load balancer.

With no `certificateArn` the load balancer has no certificate, so it cannot serve HTTPS. CloudFront
can, on its own *.cloudfront.net name with its default certificate, and it carries WebSockets.
Browsers therefore only ever talk HTTPS; CloudFront reaches the load balancer over HTTP on port 80
inside AWS's network. Two locks keep anyone from skipping CloudFront: the load balancer's security
group admits only CloudFront's origin-facing addresses (an AWS-managed prefix list), and its
listener forwards only requests carrying a secret header that CloudFront adds (anything else gets
403). The secret is generated at deploy time and kept in Secrets Manager, like the storage secret.

The app's own paths are never cached and get every header, cookie and query string (NiceGUI's
pages, its socket.io endpoint and the login's session all depend on them). Only the static files
under /_nicegui/ and /static/ are cached, and only as long as the app's Cache-Control says
(webapp/static_assets.py: a year for versioned URLs, five minutes otherwise, never a 404). Their
cache key is the path, `?v=` and the Host, with brotli and gzip copies kept apart: no cookie, so
one browser's first visit fills the cache for every other (AWS's UseOriginCacheControlHeaders
policy keys on every cookie, which made each browser's session cookie a cache of its own).
"""

from __future__ import annotations

from typing import Final

import pulumi
import pulumi_aws as aws

ORIGIN_ID: Final = "load-balancer"
ORIGIN_HEADER: Final = "X-Origin-Verify"
ORIGIN_SECRET_LENGTH: Final = 48
"""At most 128 characters may be matched by a listener rule's header condition."""
CLOUDFRONT_PREFIX_LIST: Final = "com.amazonaws.global.cloudfront.origin-facing"
STATIC_PATHS: Final = ("/_nicegui/*", "/static/*")
STATIC_QUERY_STRINGS: Final = ("v",)
"""webapp/theme.py names the bytes of its files with ?v=<sha256 prefix>."""
ONE_YEAR_SECONDS: Final = 31536000
ORIGIN_READ_TIMEOUT_SECONDS: Final = 60
"""CloudFront's maximum without a quota increase; socket.io long-polls answer within ~25 s."""
ALL_METHODS: Final = ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")

# AWS-managed policies (CloudFront developer guide, "Use managed cache policies" and "Use managed
# origin request policies"); their ids are the same in every account.
CACHING_DISABLED: Final = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER: Final = "216adef6-5c7f-47e4-b989-5492eafa07d3"
"""Forwards every viewer header (WebSocket upgrade, Host), cookie and query string."""


def origin_secret(
    name: str, tags: dict[str, str], parent: pulumi.Resource
) -> tuple[aws.secretsmanager.Secret, aws.secretsmanager.SecretVersion]:
    """The header value only CloudFront knows: generated once, kept across deployments."""
    secret = aws.secretsmanager.Secret(
        f"{name}-origin-secret",
        description="Header CloudFront adds so that the load balancer serves only CloudFront.",
        recovery_window_in_days=7,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    random = aws.secretsmanager.get_random_password_output(
        password_length=ORIGIN_SECRET_LENGTH,
        exclude_punctuation=True,  # no '*' or '?': a header condition treats them as wildcards
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    version = aws.secretsmanager.SecretVersion(
        f"{name}-origin-secret",
        secret_id=secret.id,
        secret_string=pulumi.Output.secret(random.random_password),
        # The invoke returns a new value on every run: keep the first (ignore_changes keeps the
        # stored value, which secret_string then outputs), so CloudFront and the rule agree.
        opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["secretString"]),
    )
    return secret, version


def cloudfront_prefix_list_id(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The AWS-managed prefix list of CloudFront's origin-facing addresses in this region."""
    found = aws.ec2.get_managed_prefix_list_output(
        name=CLOUDFRONT_PREFIX_LIST, opts=pulumi.InvokeOutputOptions(parent=parent)
    )
    return found.id


def static_cache_policy(name: str, opts: pulumi.ResourceOptions) -> aws.cloudfront.CachePolicy:
    """The origin's Cache-Control decides (TTL 0 without one); path, ?v= and Host are the key."""
    return aws.cloudfront.CachePolicy(
        f"{name}-static",
        comment="Static files: the origin's Cache-Control, no cookies in the key",
        min_ttl=0,
        default_ttl=0,
        max_ttl=ONE_YEAR_SECONDS,
        parameters_in_cache_key_and_forwarded_to_origin=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginArgs(
            cookies_config=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginCookiesConfigArgs(
                cookie_behavior="none"
            ),
            headers_config=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigArgs(
                header_behavior="whitelist",
                headers=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigHeadersArgs(
                    items=["Host"]
                ),
            ),
            query_strings_config=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigArgs(
                query_string_behavior="whitelist",
                query_strings=aws.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigQueryStringsArgs(
                    items=list(STATIC_QUERY_STRINGS)
                ),
            ),
            enable_accept_encoding_brotli=True,
            enable_accept_encoding_gzip=True,
        ),
        opts=opts,
    )


def distribution(
    name: str,
    *,
    origin_domain: pulumi.Input[str],
    secret_value: pulumi.Input[str],
    comment: str,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.cloudfront.Distribution:
    """HTTPS for browsers (HTTP redirects), no cache for the app, cached static files."""
    static = static_cache_policy(name, opts)
    return aws.cloudfront.Distribution(
        f"{name}-cdn",
        enabled=True,
        comment=comment[:128],
        is_ipv6_enabled=True,
        http_version="http2and3",
        price_class="PriceClass_100",
        origins=[
            aws.cloudfront.DistributionOriginArgs(
                origin_id=ORIGIN_ID,
                domain_name=origin_domain,
                custom_headers=[
                    aws.cloudfront.DistributionOriginCustomHeaderArgs(
                        name=ORIGIN_HEADER, value=secret_value
                    )
                ],
                custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                    http_port=80,
                    https_port=443,
                    origin_protocol_policy="http-only",
                    origin_ssl_protocols=["TLSv1.2"],
                    origin_read_timeout=ORIGIN_READ_TIMEOUT_SECONDS,
                    origin_keepalive_timeout=60,
                ),
            )
        ],
        default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
            target_origin_id=ORIGIN_ID,
            viewer_protocol_policy="redirect-to-https",
            allowed_methods=list(ALL_METHODS),
            cached_methods=["GET", "HEAD"],
            cache_policy_id=CACHING_DISABLED,
            origin_request_policy_id=ALL_VIEWER,
            compress=True,
        ),
        ordered_cache_behaviors=[
            aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                path_pattern=path,
                target_origin_id=ORIGIN_ID,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD"],
                cached_methods=["GET", "HEAD"],
                cache_policy_id=static.id,
                compress=True,  # only for an answer the origin left uncompressed
            )
            for path in STATIC_PATHS
        ],
        restrictions=aws.cloudfront.DistributionRestrictionsArgs(
            geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(
                restriction_type="none"
            )
        ),
        viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
            cloudfront_default_certificate=True
        ),
        tags=tags,
        opts=opts,
    )
