"""Network: a VPC over two availability zones with public and private subnets.

The load balancer and the NAT gateways live in the public subnets; the web tasks live in the
private ones and reach AWS APIs (Cognito, ECR, Secrets Manager, CloudWatch) through NAT, so no
task ever needs a public IP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

AZ_COUNT = 2
VPC_CIDR = "10.0.0.0/16"
PUBLIC_CIDRS = ("10.0.0.0/20", "10.0.16.0/20")
PRIVATE_CIDRS = ("10.0.128.0/20", "10.0.144.0/20")


def _nth(index: int) -> Callable[[list[str]], str]:
    def pick(names: list[str]) -> str:
        return names[index]

    return pick


@dataclass
class NetworkArgs:
    """What shapes the network of one stack."""

    nat_per_az: bool
    """One NAT gateway per AZ survives the loss of a zone; one shared NAT halves the cost."""
    tags: dict[str, str] = field(default_factory=dict)


class Network(pulumi.ComponentResource):
    """VPC, subnets in two AZs, internet gateway, NAT gateway(s) and routes."""

    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    nat_gateways: list[aws.ec2.NatGateway]
    internet_gateway: aws.ec2.InternetGateway
    internet_ready: list[pulumi.Resource]
    """Gateway, public default route and associations: an ALB in the public subnets needs them
    (CreateLoadBalancer fails with InvalidSubnet while the VPC has no internet gateway)."""
    egress_ready: list[pulumi.Resource]
    """NAT gateways, private default routes and associations: tasks in the private subnets need
    them to pull the image, read the secret and write logs (else CannotPullContainerError)."""

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cognito-otp:infra:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = args.tags

        def tagged(suffix: str) -> dict[str, str]:
            return {**tags, "Name": f"{name}-{suffix}"}

        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        )
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=VPC_CIDR,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags=tagged("vpc"),
            opts=child,
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags=tagged("igw"), opts=child
        )
        self.internet_gateway = igw
        self.internet_ready = [igw]
        self.egress_ready = []
        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=self.vpc.id, tags=tagged("public"), opts=child
        )
        self.internet_ready.append(
            aws.ec2.Route(
                f"{name}-public-default",
                route_table_id=public_rt.id,
                destination_cidr_block="0.0.0.0/0",
                gateway_id=igw.id,
                opts=child,
            )
        )

        self.public_subnets = []
        self.private_subnets = []
        self.nat_gateways = []
        for index in range(AZ_COUNT):
            zone = zones.names.apply(_nth(index))
            public = aws.ec2.Subnet(
                f"{name}-public-{index}",
                vpc_id=self.vpc.id,
                cidr_block=PUBLIC_CIDRS[index],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=tagged(f"public-{index}"),
                opts=child,
            )
            self.internet_ready.append(
                aws.ec2.RouteTableAssociation(
                    f"{name}-public-{index}",
                    subnet_id=public.id,
                    route_table_id=public_rt.id,
                    opts=child,
                )
            )
            private = aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                cidr_block=PRIVATE_CIDRS[index],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=tagged(f"private-{index}"),
                opts=child,
            )
            self.public_subnets.append(public)
            self.private_subnets.append(private)
            if index == 0 or args.nat_per_az:
                eip = aws.ec2.Eip(
                    f"{name}-nat-eip-{index}", domain="vpc", tags=tagged(f"nat-{index}"), opts=child
                )
                self.nat_gateways.append(
                    aws.ec2.NatGateway(
                        f"{name}-nat-{index}",
                        allocation_id=eip.id,
                        subnet_id=public.id,
                        connectivity_type="public",
                        tags=tagged(f"nat-{index}"),
                        opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
                    )
                )
            nat = self.nat_gateways[index if args.nat_per_az else 0]
            private_rt = aws.ec2.RouteTable(
                f"{name}-private-rt-{index}",
                vpc_id=self.vpc.id,
                tags=tagged(f"private-{index}"),
                opts=child,
            )
            self.egress_ready.append(
                aws.ec2.Route(
                    f"{name}-private-default-{index}",
                    route_table_id=private_rt.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                    opts=child,
                )
            )
            self.egress_ready.append(
                aws.ec2.RouteTableAssociation(
                    f"{name}-private-{index}",
                    subnet_id=private.id,
                    route_table_id=private_rt.id,
                    opts=child,
                )
            )
        self.egress_ready = [*self.nat_gateways, *self.egress_ready]

        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "public_subnet_ids": [s.id for s in self.public_subnets],
                "private_subnet_ids": [s.id for s in self.private_subnets],
            }
        )
