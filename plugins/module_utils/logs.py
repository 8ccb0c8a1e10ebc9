# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the load balancer's access logs: the bucket's name and its policy. No AWS calls."""

from __future__ import annotations

import re
from typing import Any

# The Elastic Load Balancing account that writes access logs in each region opened before August 2022. Regions opened
# since have no such account: the log delivery service writes there (ELB_LOG_SERVICE).
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378", "ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-south-1": "635631232127", "eu-west-3": "009996457667",
    "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
}
ELB_LOG_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"

# S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def access_logs_bucket(name_prefix: str, account: str, region: str, explicit: str = "") -> str:
    """The bucket of the access logs: ``explicit`` when set, else ``<prefix>-alb-logs-<account>-<region>`` (bucket
    names are global, so the account and region make the default unique)."""
    return explicit or f"{name_prefix}-alb-logs-{account}-{region}"


def bucket_name_errors(name: str, what: str) -> list[str]:
    """Problems with an S3 bucket name (S3 CreateBucket Bucket), or an empty list."""
    if not _BUCKET.match(name) or ".." in name or re.match(r"^\d+\.\d+\.\d+\.\d+$", name):
        return [f"{what} is {name!r}; a bucket name is 3-63 lowercase letters, digits, dots and hyphens, starts and "
                "ends with a letter or digit, has no '..' and is not an IP address (S3 CreateBucket Bucket)"]
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        return [f"{what} is {name!r}; S3 reserves that prefix or suffix (S3 CreateBucket Bucket)"]
    return []


def access_logs_policy(bucket: str, prefix: str, account: str, region: str, partition: str = "aws") -> dict[str, Any]:
    """The bucket policy that lets the region's log writer put the load balancer's logs under
    ``<prefix>/AWSLogs/<account>/`` and refuses every request without TLS (FSBP S3.5)."""
    writer = {"AWS": f"arn:{partition}:iam::{ELB_LOG_ACCOUNTS[region]}:root"} if region in ELB_LOG_ACCOUNTS \
        else {"Service": ELB_LOG_SERVICE}
    path = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "LoadBalancerAccessLogs", "Effect": "Allow", "Principal": writer, "Action": "s3:PutObject",
             "Resource": f"{bucket_arn}/{path}AWSLogs/{account}/*"},
            {"Sid": "DenyWithoutTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ],
    }
