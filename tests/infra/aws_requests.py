"""The AWS API requests a recorded resource stands for, and a strict check against botocore.

Each translator turns the inputs the mock recorded (camelCase, as the engine sees them) into the
request(s) the AWS provider sends for that resource on create: same values, the API's own field
names and nesting. This is our model of the provider's mapping (it is not the provider), written
from the AWS API references; names Pulumi would generate are stood in for by `auto_name`.

`check` validates a request against botocore's service model more strictly than botocore does:
required and unknown members, types, enums, min and max (lengths and values) and patterns.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import botocore.session
import pulumi
from botocore.model import Shape
from botocore.validate import ParamValidator
from infra_harness import REGION, Program, Resource, unsecret

SESSION = botocore.session.get_session()


@dataclass(frozen=True)
class Request:
    service: str
    operation: str
    params: dict[str, Any]
    resource: str


def auto_name(resource: Resource) -> str:
    """What Pulumi's auto-naming produces: the logical name plus a dash and 7 random chars."""
    return f"{resource.name}-1a2b3c4"


def plain(value: Any) -> Any:
    """A recorded input without its secret markers, all the way down.

    Numbers cross the mock as doubles; the provider sends the schema's integers as integers.
    """
    value = unsecret(value)[1]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def pascal(value: Any, renames: Mapping[str, str] | None = None) -> Any:
    """camelCase keys to the PascalCase most AWS APIs use, with explicit renames, recursively."""
    renames = renames or {}
    if isinstance(value, dict):
        return {renames.get(k, k[:1].upper() + k[1:]): pascal(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal(v, renames) for v in value]
    return value


def tag_list(tags: Mapping[str, str] | None, key: str = "Key", value: str = "Value") -> list[Any]:
    return [{key: k, value: v} for k, v in (tags or {}).items()]


def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None and v not in ({}, [])}


def archive_zip(archive: pulumi.AssetArchive) -> bytes:
    """The zip Pulumi uploads for an AssetArchive of FileAssets."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, asset in sorted(archive.assets.items()):
            assert isinstance(asset, pulumi.FileAsset)
            zipped.write(asset.path, name)
    return buffer.getvalue()


def _quantity(items: list[Any]) -> dict[str, Any]:
    return {"Quantity": len(items), "Items": items}


# --- translators, one per resource type ----------------------------------------------------------


def _user_pool(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = pascal(
        {k: v for k, v in i.items() if k not in {"passwordPolicy", "tags"}},
        {
            "fromEmailAddress": "From",
            "attributesRequireVerificationBeforeUpdates": (
                "AttributesRequireVerificationBeforeUpdate"
            ),
        },
    )
    params.update(
        PoolName=auto_name(r),
        Policies={"PasswordPolicy": pascal(i["passwordPolicy"])},
        UserPoolTags=i.get("tags"),
    )
    yield Request("cognito-idp", "CreateUserPool", _drop_none(params), r.name)


def _user_pool_client(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = pascal(i)
    params["ClientName"] = auto_name(r)
    yield Request("cognito-idp", "CreateUserPoolClient", params, r.name)


def _function(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    zipped = archive_zip(r.inputs["code"])
    env = i["environment"]["variables"]
    params = {
        "FunctionName": r.state["name"],
        "Runtime": i["runtime"],
        "Role": i["role"],
        "Handler": i["handler"],
        "Code": {"ZipFile": zipped},
        "Description": i.get("description"),
        "Timeout": i["timeout"],
        "MemorySize": i["memorySize"],
        "Environment": {"Variables": env},
        "Architectures": i["architectures"],
        "LoggingConfig": pascal(i["loggingConfig"]),
        "Tags": i.get("tags"),
    }
    yield Request("lambda", "CreateFunction", _drop_none(params), r.name)


def _permission(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "FunctionName": i["function"],
        "StatementId": auto_name(r),
        "Action": i["action"],
        "Principal": i["principal"],
        "SourceArn": i["sourceArn"],
        "SourceAccount": i.get("sourceAccount"),
    }
    params = _drop_none(params)
    yield Request("lambda", "AddPermission", params, r.name)


def _task_definition(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "family": i["family"],
        "containerDefinitions": json.loads(i["containerDefinitions"]),
        "cpu": i["cpu"],
        "memory": i["memory"],
        "networkMode": i["networkMode"],
        "requiresCompatibilities": i["requiresCompatibilities"],
        "executionRoleArn": i["executionRoleArn"],
        "taskRoleArn": i["taskRoleArn"],
        "runtimePlatform": i["runtimePlatform"],
        "tags": tag_list(i.get("tags"), "key", "value"),
    }
    yield Request("ecs", "RegisterTaskDefinition", params, r.name)


def _cluster(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "clusterName": auto_name(r),
        "settings": i["settings"],
        "tags": tag_list(i.get("tags"), "key", "value"),
    }
    yield Request("ecs", "CreateCluster", params, r.name)


def _service(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    network = i["networkConfiguration"]
    params = {
        "cluster": i["cluster"],
        "serviceName": auto_name(r),
        "taskDefinition": i["taskDefinition"],
        "loadBalancers": i["loadBalancers"],
        "desiredCount": i["desiredCount"],
        "launchType": i["launchType"],
        "platformVersion": i["platformVersion"],
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": i["deploymentCircuitBreaker"],
            "maximumPercent": i["deploymentMaximumPercent"],
            "minimumHealthyPercent": i["deploymentMinimumHealthyPercent"],
        },
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": network["subnets"],
                "securityGroups": network["securityGroups"],
                "assignPublicIp": "ENABLED" if network["assignPublicIp"] else "DISABLED",
            }
        },
        "healthCheckGracePeriodSeconds": i["healthCheckGracePeriodSeconds"],
        "enableECSManagedTags": i["enableEcsManagedTags"],
        "propagateTags": i["propagateTags"],
        "tags": tag_list(i.get("tags"), "key", "value"),
    }
    yield Request("ecs", "CreateService", params, r.name)


def _target_group(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    health = i["healthCheck"]
    params = {
        "Name": auto_name(r),
        "Protocol": i["protocol"],
        "Port": i["port"],
        "VpcId": i["vpcId"],
        "TargetType": i["targetType"],
        "HealthCheckEnabled": health["enabled"],
        "HealthCheckProtocol": health["protocol"],
        "HealthCheckPort": health["port"],
        "HealthCheckPath": health["path"],
        "HealthCheckIntervalSeconds": health["interval"],
        "HealthCheckTimeoutSeconds": health["timeout"],
        "HealthyThresholdCount": health["healthyThreshold"],
        "UnhealthyThresholdCount": health["unhealthyThreshold"],
        "Matcher": {"HttpCode": health["matcher"]},
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elbv2", "CreateTargetGroup", params, r.name)
    sticky = i["stickiness"]
    attributes = {
        "stickiness.enabled": str(sticky["enabled"]).lower(),
        "stickiness.type": sticky["type"],
        "stickiness.lb_cookie.duration_seconds": str(sticky["cookieDuration"]),
        "deregistration_delay.timeout_seconds": str(i["deregistrationDelay"]),
    }
    yield Request(
        "elbv2",
        "ModifyTargetGroupAttributes",
        {"TargetGroupArn": r.state["arn"], "Attributes": tag_list(attributes)},
        r.name,
    )


def _load_balancer(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "Name": auto_name(r),
        "Subnets": i["subnets"],
        "SecurityGroups": i["securityGroups"],
        "Scheme": "internal" if i["internal"] else "internet-facing",
        "Type": i["loadBalancerType"],
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elbv2", "CreateLoadBalancer", params, r.name)
    attributes = {
        "idle_timeout.timeout_seconds": str(i["idleTimeout"]),
        "routing.http.drop_invalid_header_fields.enabled": str(
            i["dropInvalidHeaderFields"]
        ).lower(),
        "deletion_protection.enabled": str(i["enableDeletionProtection"]).lower(),
    }
    logs = i.get("accessLogs")
    if logs:
        attributes["access_logs.s3.enabled"] = str(logs.get("enabled", False)).lower()
        attributes["access_logs.s3.bucket"] = logs["bucket"]
        attributes["access_logs.s3.prefix"] = logs.get("prefix", "")
    yield Request(
        "elbv2",
        "ModifyLoadBalancerAttributes",
        {"LoadBalancerArn": r.state["arn"], "Attributes": tag_list(attributes)},
        r.name,
    )


_ACTION_RENAMES = {"targetGroupArn": "TargetGroupArn"}


def _actions(actions: list[Any]) -> list[Any]:
    out = []
    for order, action in enumerate(actions, start=1):
        converted = pascal(
            action, {"redirect": "RedirectConfig", "fixedResponse": "FixedResponseConfig"}
        )
        converted["Order"] = order
        out.append(converted)
    return out


def _listener(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "LoadBalancerArn": i["loadBalancerArn"],
        "Protocol": i["protocol"],
        "Port": i["port"],
        "SslPolicy": i.get("sslPolicy"),
        "Certificates": [{"CertificateArn": i["certificateArn"]}]
        if "certificateArn" in i
        else None,
        "DefaultActions": _actions(i["defaultActions"]),
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elbv2", "CreateListener", _drop_none(params), r.name)


def _listener_rule(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    conditions = []
    for condition in i["conditions"]:
        header = condition["httpHeader"]
        conditions.append(
            {
                "Field": "http-header",
                "HttpHeaderConfig": {
                    "HttpHeaderName": header["httpHeaderName"],
                    "Values": header["values"],
                },
            }
        )
    params = {
        "ListenerArn": i["listenerArn"],
        "Priority": i["priority"],
        "Conditions": conditions,
        "Actions": _actions(i["actions"]),
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elbv2", "CreateRule", params, r.name)


def _log_group(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    name = r.state["name"]
    yield Request("logs", "CreateLogGroup", {"logGroupName": name, "tags": i.get("tags")}, r.name)
    yield Request(
        "logs",
        "PutRetentionPolicy",
        {"logGroupName": name, "retentionInDays": i["retentionInDays"]},
        r.name,
    )


def _repository(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "repositoryName": auto_name(r),
        "imageTagMutability": i["imageTagMutability"],
        "imageScanningConfiguration": i["imageScanningConfiguration"],
        "tags": tag_list(i.get("tags")),
    }
    yield Request("ecr", "CreateRepository", params, r.name)


def _lifecycle(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    yield Request(
        "ecr",
        "PutLifecyclePolicy",
        {"repositoryName": i["repository"], "lifecyclePolicyText": i["policy"]},
        r.name,
    )


def _role(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "RoleName": auto_name(r),
        "AssumeRolePolicyDocument": i["assumeRolePolicy"],
        "Description": i.get("description"),
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("iam", "CreateRole", _drop_none(params), r.name)


def _role_policy(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"RoleName": i["role"], "PolicyName": auto_name(r), "PolicyDocument": i["policy"]}
    yield Request("iam", "PutRolePolicy", params, r.name)


def _table(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "TableName": auto_name(r),
        "AttributeDefinitions": [
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in i["attributes"]
        ],
        "KeySchema": [{"AttributeName": i["hashKey"], "KeyType": "HASH"}],
        "BillingMode": i["billingMode"],
        "SSESpecification": {"Enabled": i["serverSideEncryption"]["enabled"], "SSEType": "KMS"},
        "DeletionProtectionEnabled": i["deletionProtectionEnabled"],
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("dynamodb", "CreateTable", params, r.name)
    ttl = {"Enabled": i["ttl"]["enabled"], "AttributeName": i["ttl"]["attributeName"]}
    yield Request(
        "dynamodb",
        "UpdateTimeToLive",
        {"TableName": params["TableName"], "TimeToLiveSpecification": ttl},
        r.name,
    )


def _email_identity(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "EmailIdentity": i["emailIdentity"],
        "ConfigurationSetName": i.get("configurationSetName"),
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("sesv2", "CreateEmailIdentity", _drop_none(params), r.name)


def _configuration_set(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = pascal({k: v for k, v in i.items() if k != "tags"})
    params["Tags"] = tag_list(i.get("tags"))
    yield Request("sesv2", "CreateConfigurationSet", params, r.name)


def _event_destination(r: Resource) -> Iterator[Request]:
    yield Request(
        "sesv2",
        "CreateConfigurationSetEventDestination",
        pascal(plain(r.inputs)),
        r.name,
    )


def _topic(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    yield Request(
        "sns", "CreateTopic", {"Name": auto_name(r), "Tags": tag_list(i.get("tags"))}, r.name
    )


def _subscription(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"TopicArn": i["topic"], "Protocol": i["protocol"], "Endpoint": i["endpoint"]}
    yield Request("sns", "Subscribe", params, r.name)


def _alarm(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = pascal(
        {k: v for k, v in i.items() if k not in {"dimensions", "tags"}},
        {"okActions": "OKActions", "comparisonOperator": "ComparisonOperator"},
    )
    params["AlarmName"] = auto_name(r)
    params["Dimensions"] = [{"Name": k, "Value": v} for k, v in (i.get("dimensions") or {}).items()]
    params["Tags"] = tag_list(i.get("tags"))
    yield Request("cloudwatch", "PutMetricAlarm", _drop_none(params), r.name)


def _dashboard(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"DashboardName": i["dashboardName"], "DashboardBody": i["dashboardBody"]}
    yield Request("cloudwatch", "PutDashboard", params, r.name)


def _behavior(b: dict[str, Any]) -> dict[str, Any]:
    allowed = b["allowedMethods"]
    out = {
        "TargetOriginId": b["targetOriginId"],
        "ViewerProtocolPolicy": b["viewerProtocolPolicy"],
        "AllowedMethods": {**_quantity(allowed), "CachedMethods": _quantity(b["cachedMethods"])},
        "Compress": b.get("compress", False),
        "CachePolicyId": b["cachePolicyId"],
        "OriginRequestPolicyId": b.get("originRequestPolicyId"),
    }
    if "pathPattern" in b:
        out = {"PathPattern": b["pathPattern"], **out}
    return _drop_none(out)


def _distribution(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    origins = []
    for origin in i["origins"]:
        custom = origin["customOriginConfig"]
        origins.append(
            {
                "Id": origin["originId"],
                "DomainName": origin["domainName"],
                "CustomHeaders": _quantity(
                    [
                        {"HeaderName": h["name"], "HeaderValue": h["value"]}
                        for h in origin["customHeaders"]
                    ]
                ),
                "CustomOriginConfig": {
                    "HTTPPort": custom["httpPort"],
                    "HTTPSPort": custom["httpsPort"],
                    "OriginProtocolPolicy": custom["originProtocolPolicy"],
                    "OriginSslProtocols": _quantity(custom["originSslProtocols"]),
                    "OriginReadTimeout": custom["originReadTimeout"],
                    "OriginKeepaliveTimeout": custom["originKeepaliveTimeout"],
                },
            }
        )
    geo = i["restrictions"]["geoRestriction"]
    config = {
        "CallerReference": "terraform-20260101120000000000000001",
        "Origins": _quantity(origins),
        "DefaultCacheBehavior": _behavior(i["defaultCacheBehavior"]),
        "CacheBehaviors": _quantity([_behavior(b) for b in i.get("orderedCacheBehaviors", [])]),
        "Comment": i.get("comment", ""),
        "PriceClass": i["priceClass"],
        "Enabled": i["enabled"],
        "ViewerCertificate": pascal(
            i["viewerCertificate"], {"cloudfrontDefaultCertificate": "CloudFrontDefaultCertificate"}
        ),
        "Restrictions": {
            "GeoRestriction": {"RestrictionType": geo["restrictionType"], "Quantity": 0}
        },
        "HttpVersion": i["httpVersion"],
        "IsIPV6Enabled": i["isIpv6Enabled"],
    }
    yield Request(
        "cloudfront",
        "CreateDistributionWithTags",
        {
            "DistributionConfigWithTags": {
                "DistributionConfig": config,
                "Tags": {"Items": tag_list(i.get("tags"))},
            }
        },
        r.name,
    )


def _cache_policy(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    key = i["parametersInCacheKeyAndForwardedToOrigin"]

    def listed(config: dict[str, Any], behavior: str, items: str) -> dict[str, Any]:
        out: dict[str, Any] = {behavior[0].upper() + behavior[1:]: config[behavior]}
        if items in config:
            out[items[0].upper() + items[1:]] = _quantity(config[items]["items"])
        return out

    config = {
        "Comment": i.get("comment", ""),
        "Name": i.get("name") or auto_name(r),
        "DefaultTTL": i["defaultTtl"],
        "MaxTTL": i["maxTtl"],
        "MinTTL": i["minTtl"],
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": key["enableAcceptEncodingGzip"],
            "EnableAcceptEncodingBrotli": key["enableAcceptEncodingBrotli"],
            "HeadersConfig": listed(key["headersConfig"], "headerBehavior", "headers"),
            "CookiesConfig": listed(key["cookiesConfig"], "cookieBehavior", "cookies"),
            "QueryStringsConfig": listed(
                key["queryStringsConfig"], "queryStringBehavior", "queryStrings"
            ),
        },
    }
    yield Request("cloudfront", "CreateCachePolicy", {"CachePolicyConfig": config}, r.name)


def _secret(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "Name": auto_name(r),
        "Description": i["description"],
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("secretsmanager", "CreateSecret", params, r.name)


def _secret_version(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"SecretId": i["secretId"], "SecretString": i["secretString"]}
    yield Request("secretsmanager", "PutSecretValue", params, r.name)


def _scaling_target(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = pascal({k: v for k, v in i.items() if k != "tags"})
    params["Tags"] = i.get("tags")
    yield Request("application-autoscaling", "RegisterScalableTarget", params, r.name)


def _scaling_policy(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = pascal(
        i, {"targetTrackingScalingPolicyConfiguration": "TargetTrackingScalingPolicyConfiguration"}
    )
    params["PolicyName"] = auto_name(r)
    yield Request("application-autoscaling", "PutScalingPolicy", params, r.name)


def _sg_rule(operation: str) -> Callable[[Resource], Iterator[Request]]:
    def translate(r: Resource) -> Iterator[Request]:
        i = plain(r.inputs)
        permission: dict[str, Any] = {
            "IpProtocol": i["ipProtocol"],
            "FromPort": i["fromPort"],
            "ToPort": i["toPort"],
        }
        if "cidrIpv4" in i:
            permission["IpRanges"] = [{"CidrIp": i["cidrIpv4"], "Description": i["description"]}]
        if "prefixListId" in i:
            permission["PrefixListIds"] = [
                {"PrefixListId": i["prefixListId"], "Description": i["description"]}
            ]
        if "referencedSecurityGroupId" in i:
            permission["UserIdGroupPairs"] = [
                {"GroupId": i["referencedSecurityGroupId"], "Description": i["description"]}
            ]
        params = {"GroupId": i["securityGroupId"], "IpPermissions": [permission]}
        yield Request("ec2", operation, params, r.name)

    return translate


def _security_group(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"GroupName": auto_name(r), "Description": i["description"], "VpcId": i["vpcId"]}
    yield Request("ec2", "CreateSecurityGroup", params, r.name)


# --- ElastiCache (the session cache), S3 (the access logs), WAF ---------------------------------


def _serverless_cache(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    limits = i["cacheUsageLimits"]
    ecpu = limits.get("ecpuPerSeconds") or []
    assert len(ecpu) <= 1, "the API takes one ECPUPerSecond limit"
    usage = _drop_none(
        {
            "DataStorage": pascal(limits.get("dataStorage")),
            "ECPUPerSecond": pascal(ecpu[0]) if ecpu else None,
        }
    )
    params = {
        "ServerlessCacheName": r.state["name"],
        "Description": i.get("description"),
        "Engine": i["engine"],
        "MajorEngineVersion": i.get("majorEngineVersion"),
        "CacheUsageLimits": usage,
        "SecurityGroupIds": i.get("securityGroupIds"),
        "SubnetIds": i.get("subnetIds"),
        "UserGroupId": i.get("userGroupId"),
        "SnapshotRetentionLimit": i.get("snapshotRetentionLimit"),
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elasticache", "CreateServerlessCache", _drop_none(params), r.name)


def _cache_user(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "UserId": i["userId"],
        "UserName": i["userName"],
        "Engine": i["engine"],
        "Passwords": i.get("passwords"),
        "AccessString": i["accessString"],
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elasticache", "CreateUser", _drop_none(params), r.name)


def _cache_user_group(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "UserGroupId": i["userGroupId"],
        "Engine": i["engine"],
        "UserIds": i["userIds"],
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("elasticache", "CreateUserGroup", params, r.name)


def _bucket(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    name = r.state["bucket"]
    yield Request(
        "s3",
        "CreateBucket",
        {"Bucket": name, "CreateBucketConfiguration": {"LocationConstraint": REGION}},
        r.name,
    )
    yield Request(
        "s3",
        "PutBucketTagging",
        {"Bucket": name, "Tagging": {"TagSet": tag_list(i["tags"])}},
        r.name,
    )


def _ownership(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"Bucket": i["bucket"], "OwnershipControls": {"Rules": [pascal(i["rule"])]}}
    yield Request("s3", "PutBucketOwnershipControls", params, r.name)


def _public_access_block(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    configuration = pascal(
        {k: v for k, v in i.items() if k != "bucket"},
        {
            "blockPublicAcls": "BlockPublicAcls",
            "ignorePublicAcls": "IgnorePublicAcls",
            "blockPublicPolicy": "BlockPublicPolicy",
            "restrictPublicBuckets": "RestrictPublicBuckets",
        },
    )
    yield Request(
        "s3",
        "PutPublicAccessBlock",
        {"Bucket": i["bucket"], "PublicAccessBlockConfiguration": configuration},
        r.name,
    )


def _bucket_encryption(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    rules = pascal(i["rules"], {"sseAlgorithm": "SSEAlgorithm", "kmsMasterKeyId": "KMSMasterKeyID"})
    yield Request(
        "s3",
        "PutBucketEncryption",
        {"Bucket": i["bucket"], "ServerSideEncryptionConfiguration": {"Rules": rules}},
        r.name,
    )


def _bucket_lifecycle(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    rules = pascal(i["rules"], {"id": "ID"})
    yield Request(
        "s3",
        "PutBucketLifecycleConfiguration",
        {"Bucket": i["bucket"], "LifecycleConfiguration": {"Rules": rules}},
        r.name,
    )


def _bucket_policy(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    yield Request("s3", "PutBucketPolicy", {"Bucket": i["bucket"], "Policy": i["policy"]}, r.name)


WAF_RENAMES = {
    "cloudwatchMetricsEnabled": "CloudWatchMetricsEnabled",
    "forwardedIpConfig": "ForwardedIPConfig",
}


def _web_acl(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {
        "Name": auto_name(r),
        "Scope": i["scope"],
        "DefaultAction": pascal(i["defaultAction"]),
        "Description": i.get("description"),
        "Rules": pascal(i.get("rules", []), WAF_RENAMES),
        "VisibilityConfig": pascal(i["visibilityConfig"], WAF_RENAMES),
        "Tags": tag_list(i.get("tags")),
    }
    yield Request("wafv2", "CreateWebACL", _drop_none(params), r.name)


def _web_acl_association(r: Resource) -> Iterator[Request]:
    i = plain(r.inputs)
    params = {"WebACLArn": i["webAclArn"], "ResourceArn": i["resourceArn"]}
    yield Request("wafv2", "AssociateWebACL", params, r.name)


TRANSLATORS: dict[str, Callable[[Resource], Iterator[Request]]] = {
    "aws:cognito/userPool:UserPool": _user_pool,
    "aws:cognito/userPoolClient:UserPoolClient": _user_pool_client,
    "aws:lambda/function:Function": _function,
    "aws:lambda/permission:Permission": _permission,
    "aws:ecs/taskDefinition:TaskDefinition": _task_definition,
    "aws:ecs/cluster:Cluster": _cluster,
    "aws:ecs/service:Service": _service,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/listener:Listener": _listener,
    "aws:lb/listenerRule:ListenerRule": _listener_rule,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:ecr/repository:Repository": _repository,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _lifecycle,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:dynamodb/table:Table": _table,
    "aws:sesv2/emailIdentity:EmailIdentity": _email_identity,
    "aws:sesv2/configurationSet:ConfigurationSet": _configuration_set,
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": (
        _event_destination
    ),
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:cloudfront/distribution:Distribution": _distribution,
    "aws:cloudfront/cachePolicy:CachePolicy": _cache_policy,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:appautoscaling/target:Target": _scaling_target,
    "aws:appautoscaling/policy:Policy": _scaling_policy,
    "aws:ec2/securityGroup:SecurityGroup": _security_group,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _sg_rule(
        "AuthorizeSecurityGroupIngress"
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _sg_rule(
        "AuthorizeSecurityGroupEgress"
    ),
    "aws:elasticache/serverlessCache:ServerlessCache": _serverless_cache,
    "aws:elasticache/user:User": _cache_user,
    "aws:elasticache/userGroup:UserGroup": _cache_user_group,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _ownership,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _public_access_block,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        _bucket_encryption
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _bucket_lifecycle,
    "aws:s3/bucketPolicy:BucketPolicy": _bucket_policy,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:wafv2/webAclAssociation:WebAclAssociation": _web_acl_association,
}
NOT_TRANSLATED = {
    # The network's shapes carry no constraint beyond their types in the EC2 model; what can go
    # wrong with them is ordering, which the rehearsal checks on the dependency graph instead.
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/eip:Eip",
    "aws:ec2/natGateway:NatGateway",
    # Not an AWS API: BuildKit pushes to the registry (the ECR repository above is checked).
    "docker-build:index:Image",
}


def requests_of(program: Program) -> list[Request]:
    """Every request the program's AWS resources stand for; fails on an unknown resource type."""
    found = []
    for resource in program.resources:
        if resource.typ.startswith("cognito-otp:") or resource.typ.startswith("pulumi:"):
            continue
        if resource.typ in NOT_TRANSLATED:
            continue
        assert resource.typ in TRANSLATORS, f"no request model for {resource.typ}: add one"
        found.extend(TRANSLATORS[resource.typ](resource))
    return found


# --- the strict check ------------------------------------------------------------------------


def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a Java-only construct (\p{...}); the type and length checks still apply


def strict_errors(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Everything wrong with `value` for `shape`: what botocore checks, plus max, enum, pattern."""
    errors: list[str] = []
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        for name in shape.required_members:
            if name not in value:
                errors.append(f"{path}.{name}: required")
        for name, member in value.items():
            if name not in shape.members:
                errors.append(f"{path}.{name}: unknown member")
                continue
            errors += strict_errors(shape.members[name], member, f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            errors.append(
                f"{path}: {len(value)} items, allowed {meta.get('min')}..{meta.get('max')}"
            )
        for index, item in enumerate(value):
            errors += strict_errors(shape.member, item, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map"]
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            errors.append(f"{path}: {len(value)} entries, allowed up to {meta.get('max')}")
        for key, item in value.items():
            errors += strict_errors(shape.key, key, f"{path}<key {key}>")
            errors += strict_errors(shape.value, item, f"{path}.{key}")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {type(value).__name__}"]
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} not one of {shape.enum}")
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            errors.append(
                f"{path}: length {len(value)}, allowed {meta.get('min')}..{meta.get('max')}"
            )
        pattern = _compiled(meta["pattern"]) if "pattern" in meta else None
        if pattern is not None and not pattern.search(value):
            errors.append(f"{path}: {value[:80]!r} does not match {meta['pattern']}")
    elif kind in {"integer", "long"}:
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer, got {value!r}"]
        if not meta.get("min", value) <= value <= meta.get("max", value):
            errors.append(f"{path}: {value} outside {meta.get('min')}..{meta.get('max')}")
    elif kind in {"double", "float"}:
        if not isinstance(value, int | float) or isinstance(value, bool):
            errors.append(f"{path}: expected a number")
    elif kind == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected a boolean, got {value!r}")
    elif kind == "blob":
        if not isinstance(value, bytes | str):
            errors.append(f"{path}: expected bytes")
        elif not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            errors.append(f"{path}: {len(value)} bytes, allowed up to {meta.get('max')}")
    return errors


def check(request: Request) -> list[str]:
    """botocore's own validation and the strict one, as messages naming the resource."""
    model = SESSION.get_service_model(request.service)
    assert request.operation in model.operation_names, (request.service, request.operation)
    shape = model.operation_model(request.operation).input_shape
    report = ParamValidator().validate(request.params, shape)
    messages = [report.generate_report()] if report.has_errors() else []
    messages += strict_errors(shape, request.params, request.operation)
    return [f"{request.resource} {request.service}:{request.operation}: {m}" for m in messages]
