import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.network import (
    flow_log_plan,
    layout_errors,
    network_acl_entries,
    reusable_eips,
    subnet_plan,
)

AZS = ["us-east-1a", "us-east-1b"]
PUBLIC = ["10.0.0.0/24", "10.0.1.0/24"]
PRIVATE = ["10.0.10.0/24", "10.0.11.0/24"]


def test_reference_layout_is_valid() -> None:
    assert layout_errors("10.0.0.0/16", AZS, PUBLIC, PRIVATE) == []


@pytest.mark.parametrize(
    ("vpc", "azs", "public", "private", "message"),
    [
        ("10.0.0.0/33", AZS, PUBLIC, PRIVATE, "VPC CIDR '10.0.0.0/33' is not a valid CIDR block"),
        ("10.0.0.1/16", AZS, PUBLIC, PRIVATE, "has host bits set"),
        ("10.0.0.0/8", AZS, PUBLIC, PRIVATE, "between /16 and /28"),
        ("10.0.0.0/16", AZS, ["10.0.0.0/24"], PRIVATE, "1 public subnet CIDRs for 2 availability zones"),
        ("10.0.0.0/16", AZS, PUBLIC, ["10.0.10.0/24", "10.1.0.0/24"], "10.1.0.0/24 is not inside the VPC CIDR"),
        ("10.0.0.0/16", AZS, PUBLIC, ["10.0.0.0/25", "10.0.11.0/24"], "10.0.0.0/24 and 10.0.0.0/25 overlap"),
        ("10.0.0.0/16", ["us-east-1a", "us-east-1a"], PUBLIC, PRIVATE, "availability zones repeat"),
        ("10.0.0.0/16", [], [], [], "at least one availability zone"),
        ("fd00::/56", AZS, PUBLIC, PRIVATE, "not an IPv4 CIDR block"),
    ],
)
def test_layout_errors(vpc: str, azs: list, public: list, private: list, message: str) -> None:
    errors = layout_errors(vpc, azs, public, private)
    assert any(message in error for error in errors), errors


def test_subnet_plan_pairs_zones_and_cidrs_in_order() -> None:
    assert subnet_plan(AZS, PUBLIC, PRIVATE) == [
        {"tier": "public", "cidr": "10.0.0.0/24", "az": "us-east-1a", "index": 0},
        {"tier": "public", "cidr": "10.0.1.0/24", "az": "us-east-1b", "index": 1},
        {"tier": "private", "cidr": "10.0.10.0/24", "az": "us-east-1a", "index": 0},
        {"tier": "private", "cidr": "10.0.11.0/24", "az": "us-east-1b", "index": 1},
    ]


def test_reusable_eips_only_unassociated_and_named_for_the_subnet() -> None:
    names = {"subnet-a": "p-nat-eip-us-east-1a", "subnet-b": "p-nat-eip-us-east-1b"}
    addresses = [
        {"allocation_id": "eipalloc-1", "tags": {"Name": "p-nat-eip-us-east-1a"}},
        {"allocation_id": "eipalloc-2", "tags": {"Name": "p-nat-eip-us-east-1b"}, "association_id": "eipassoc-2"},
        {"allocation_id": "eipalloc-3", "tags": {"Name": "something-else"}},
        {"allocation_id": "eipalloc-4"},
    ]
    assert reusable_eips(["subnet-a", "subnet-b"], names, addresses) == {"subnet-a": "eipalloc-1"}
    assert reusable_eips([], names, addresses) == {}


def _admits(entries: list, cidr: str, port: int) -> bool:
    """Whether an entry of an allow-only list admits TCP to ``port`` from ``cidr`` (which must equal the entry's)."""
    return any(entry[3] == cidr and (entry[1] == "all" or entry[6] <= port <= entry[7]) for entry in entries)


def test_the_public_tier_admits_its_listeners_the_vpc_and_return_traffic_only() -> None:
    acl = network_acl_entries("public", "10.0.0.0/16", [443, "80", 8080, 80])
    ingress = acl["ingress"]
    assert [entry[6] for entry in ingress[:3]] == [80, 443, 8080]  # sorted, once each
    assert len({entry[0] for entry in ingress}) == len(ingress)  # rule numbers unique
    for port in (80, 443, 8080, 1024, 3388, 3390, 65535):
        assert _admits(ingress, "0.0.0.0/0", port), port
    for port in (22, 25, 3389, 1023):  # (higher ports are open to replies: a NACL is stateless)
        assert not _admits(ingress, "0.0.0.0/0", port), port
    assert _admits(ingress, "10.0.0.0/16", 5432)
    assert acl["egress"] == [[100, "all", "allow", "0.0.0.0/0", None, None, 0, 0]]
    assert all(entry[2] == "allow" for entry in ingress)


def test_the_private_tier_admits_nothing_new_from_outside_the_vpc() -> None:
    ingress = network_acl_entries("private", "10.0.0.0/16", [80, 443])["ingress"]
    for port in (22, 80, 443, 1023, 3389):
        assert not _admits(ingress, "0.0.0.0/0", port), port
    assert _admits(ingress, "0.0.0.0/0", 40000)  # replies that come back through the NAT gateways
    assert _admits(ingress, "10.0.0.0/16", 5432) and _admits(ingress, "10.0.0.0/16", 8080)


def test_an_unknown_tier_is_an_error() -> None:
    with pytest.raises(ValueError, match="public or private"):
        network_acl_entries("dmz", "10.0.0.0/16", [])


FLOW_LOG = {"FlowLogId": "fl-1", "LogDestinationType": "cloud-watch-logs", "LogGroupName": "/vpc/flow",
            "TrafficType": "ALL", "DeliverLogsPermissionArn": "arn:aws:iam::1:role/flow", "MaxAggregationInterval": 600}
WANTED = {"traffic_type": "ALL", "deliver_logs_permission_arn": "arn:aws:iam::1:role/flow", "max_aggregation_interval": 600}


def test_a_matching_flow_log_is_kept() -> None:
    assert flow_log_plan([FLOW_LOG], "/vpc/flow", WANTED) == {"keep": "fl-1", "create": False, "delete": []}


def test_no_flow_log_means_create() -> None:
    assert flow_log_plan([], "/vpc/flow", WANTED) == {"keep": None, "create": True, "delete": []}


@pytest.mark.parametrize("field", ["TrafficType", "DeliverLogsPermissionArn", "MaxAggregationInterval"])
def test_a_flow_log_that_differs_is_replaced(field: str) -> None:
    other = {**FLOW_LOG, field: "REJECT" if field == "TrafficType" else 60 if field == "MaxAggregationInterval" else "arn:x"}
    assert flow_log_plan([other], "/vpc/flow", WANTED) == {"keep": None, "create": True, "delete": ["fl-1"]}


def test_flow_logs_to_other_destinations_are_not_ours() -> None:
    others = [{**FLOW_LOG, "FlowLogId": "fl-2", "LogGroupName": "/someone/else"},
              {**FLOW_LOG, "FlowLogId": "fl-3", "LogDestinationType": "s3", "LogGroupName": None}]
    assert flow_log_plan(others, "/vpc/flow", WANTED) == {"keep": None, "create": True, "delete": []}
    assert flow_log_plan(others, "/vpc/flow", None) == {"keep": None, "create": False, "delete": []}


def test_duplicates_are_deleted_and_absent_deletes_all_of_ours() -> None:
    twin = {**FLOW_LOG, "FlowLogId": "fl-0"}
    assert flow_log_plan([FLOW_LOG, twin], "/vpc/flow", WANTED) == {"keep": "fl-0", "create": False, "delete": ["fl-1"]}
    assert flow_log_plan([FLOW_LOG, twin], "/vpc/flow", None) == {"keep": None, "create": False, "delete": ["fl-0", "fl-1"]}
