"""Network: two AZs, public/private subnets, internet gateway, NAT, private default routes."""

from __future__ import annotations

import pytest
from infra_harness import ZONES, Program, config_for, run_program

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
NAT = "aws:ec2/natGateway:NatGateway"


def _subnets(program: Program, kind: str) -> list:  # type: ignore[type-arg]
    return sorted(
        (s for s in program.of_type(SUBNET) if s.name.startswith(f"network-{kind}-")),
        key=lambda s: s.name,
    )


def _default_route_of(program: Program, subnet_id: str) -> dict:  # type: ignore[type-arg]
    tables = [
        a.inputs["routeTableId"]
        for a in program.of_type(ASSOCIATION)
        if a.inputs["subnetId"] == subnet_id
    ]
    assert len(tables) == 1, f"subnet {subnet_id} must have exactly one route table"
    routes = [
        r.inputs
        for r in program.of_type(ROUTE)
        if r.inputs["routeTableId"] == tables[0] and r.inputs["destinationCidrBlock"] == "0.0.0.0/0"
    ]
    assert len(routes) == 1, f"route table {tables[0]} must have one default route"
    return routes[0]


@pytest.mark.parametrize(("stack", "nat_count"), [("dev", 1), ("prod", 2)])
def test_vpc_subnets_gateways_and_routes(stack: str, nat_count: int) -> None:
    program = run_program(config_for(stack), stack=stack)

    # The zones come from get_availability_zones (only available ones); two are used.
    azs = [args for token, args in program.calls if token.endswith("getAvailabilityZones")]
    assert azs, "zones must come from get_availability_zones"
    assert azs[0].get("state") == "available"

    vpc = program.one("aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    assert vpc.inputs["enableDnsHostnames"] is True
    assert vpc.inputs["enableDnsSupport"] is True
    vpc_id = vpc.state["id"]

    public, private = _subnets(program, "public"), _subnets(program, "private")
    assert len(public) == 2
    assert len(private) == 2
    assert [s.inputs["availabilityZone"] for s in public] == ZONES[:2]
    assert [s.inputs["availabilityZone"] for s in private] == ZONES[:2]
    for subnet in public + private:
        assert subnet.inputs["vpcId"] == vpc_id
        assert subnet.inputs["mapPublicIpOnLaunch"] is False

    igw = program.one("aws:ec2/internetGateway:InternetGateway")
    assert igw.inputs["vpcId"] == vpc_id
    for subnet in public:
        route = _default_route_of(program, subnet.state["id"])
        assert route["gatewayId"] == igw.state["id"]
        assert "natGatewayId" not in route

    nats = sorted(program.of_type(NAT), key=lambda n: n.name)
    assert len(nats) == nat_count
    eips = {e.state["id"]: e for e in program.of_type("aws:ec2/eip:Eip")}
    assert len(eips) == nat_count
    public_ids = [s.state["id"] for s in public]
    for nat in nats:
        assert nat.inputs["subnetId"] in public_ids, "NAT gateways live in public subnets"
        assert eips[nat.inputs["allocationId"]].inputs["domain"] == "vpc"
    assert len({n.inputs["subnetId"] for n in nats}) == nat_count, "one NAT per AZ when natPerAz"

    nat_ids = [n.state["id"] for n in nats]
    for index, subnet in enumerate(private):
        route = _default_route_of(program, subnet.state["id"])
        assert "gatewayId" not in route, "private subnets never route to the internet gateway"
        assert route["natGatewayId"] in nat_ids
        if nat_count == 2:
            nat = program.by_id(route["natGatewayId"])
            assert nat.inputs["subnetId"] == public_ids[index], "each AZ uses its own NAT"
