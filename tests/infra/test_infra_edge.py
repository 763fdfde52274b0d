"""Edge: a stack without a certificate is HTTPS through CloudFront, which alone reaches the ALB."""

from __future__ import annotations

from typing import Any

from infra_harness import ORIGIN_SECRET, Program, config_for, run_program, unsecret

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"


def _plain(value: Any) -> Any:
    return unsecret(value)[1]


def test_a_stack_with_a_certificate_has_no_cloudfront() -> None:
    program = run_program(config_for("prod"), stack="prod")
    assert not program.of_type(DISTRIBUTION)
    assert not program.of_type("aws:lb/listenerRule:ListenerRule")


def test_cloudfront_serves_https_in_front_of_the_load_balancer() -> None:
    program: Program = run_program(config_for("dev"))
    cdn = program.one(DISTRIBUTION).inputs
    alb = program.one("aws:lb/loadBalancer:LoadBalancer")
    assert cdn["enabled"] is True
    assert cdn["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert "aliases" not in cdn, "the default certificate covers only *.cloudfront.net"
    (origin,) = _plain(cdn["origins"])
    assert origin["domainName"] == alb.state["dnsName"]
    custom = origin["customOriginConfig"]
    assert custom["originProtocolPolicy"] == "http-only", "the ALB has no certificate"
    assert custom["httpPort"] == 80
    assert 30 <= custom["originReadTimeout"] <= 60, "long-polls answer within ~25 s"

    default = cdn["defaultCacheBehavior"]
    assert default["targetOriginId"] == origin["originId"]
    assert default["viewerProtocolPolicy"] == "redirect-to-https"
    assert default["cachePolicyId"] == CACHING_DISABLED, "the app's pages are never cached"
    assert default["originRequestPolicyId"] == ALL_VIEWER, "cookies, query, WebSocket headers"
    assert set(default["allowedMethods"]) >= {"GET", "POST", "OPTIONS"}, "socket.io polls POST"

    behaviors = cdn["orderedCacheBehaviors"]
    assert [b["pathPattern"] for b in behaviors] == ["/_nicegui/*", "/static/*"]
    assert not any(b["pathPattern"].startswith("/_nicegui_ws") for b in behaviors)
    policy = program.one(CACHE_POLICY)
    for static in behaviors:
        assert static["cachePolicyId"] == policy.state["id"], "the static files' own policy"
        assert "originRequestPolicyId" not in static, "no cookie reaches a cached answer"
        assert static["viewerProtocolPolicy"] == "redirect-to-https"
        assert set(static["allowedMethods"]) == {"GET", "HEAD"}


def test_static_files_are_cached_as_the_app_says_and_shared_by_every_browser() -> None:
    program = run_program(config_for("dev"))
    policy = program.one(CACHE_POLICY).inputs
    assert (policy["minTtl"], policy["defaultTtl"]) == (0, 0), "no Cache-Control: not cached"
    assert policy["maxTtl"] == 31536000, "the app's immutable year"
    key = policy["parametersInCacheKeyAndForwardedToOrigin"]
    assert key["cookiesConfig"] == {"cookieBehavior": "none"}, "one copy for every browser"
    assert key["queryStringsConfig"] == {
        "queryStringBehavior": "whitelist",
        "queryStrings": {"items": ["v"]},
    }, "?v= names the bytes of /static/ files"
    assert key["headersConfig"] == {"headerBehavior": "whitelist", "headers": {"items": ["Host"]}}
    assert key["enableAcceptEncodingBrotli"] is True, "the app's brotli copy reaches browsers"
    assert key["enableAcceptEncodingGzip"] is True


def test_only_requests_with_cloudfronts_secret_header_are_forwarded() -> None:
    program = run_program(config_for("dev"))
    cdn = program.one(DISTRIBUTION)
    secret_origins, origins = unsecret(cdn.inputs["origins"])
    (origin,) = origins
    (header,) = _plain(origin["customHeaders"])
    header = _plain(header)
    assert header["name"] == "X-Origin-Verify"
    assert _plain(header["value"]) == ORIGIN_SECRET
    assert secret_origins, "the header value keeps the distribution's origins secret"

    rule = program.one("aws:lb/listenerRule:ListenerRule")
    listener = program.one("aws:lb/listener:Listener")
    assert rule.inputs["listenerArn"] == listener.state["arn"]
    (condition,) = _plain(rule.inputs["conditions"])
    condition = _plain(condition)
    http_header = _plain(condition["httpHeader"])
    assert http_header["httpHeaderName"] == "X-Origin-Verify"
    assert [_plain(v) for v in _plain(http_header["values"])] == [ORIGIN_SECRET]
    assert len(ORIGIN_SECRET) <= 128, "ALB header conditions match at most 128 characters"
    assert not set("*?") & set(ORIGIN_SECRET), "wildcards in a header condition"
    target_group = program.one("aws:lb/targetGroup:TargetGroup")
    assert rule.inputs["actions"] == [
        {"type": "forward", "targetGroupArn": target_group.state["arn"]}
    ]
    # The value is generated once and kept: the version ignores later invokes.
    version = program.one("aws:secretsmanager/secretVersion:SecretVersion", "web-origin-secret")
    assert _plain(version.inputs["secretString"]) == ORIGIN_SECRET
    random = [a for t, a in program.calls if t.endswith("getRandomPassword")]
    assert any(a.get("passwordLength") == 48 and a.get("excludePunctuation") for a in random)
