# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the access_check module: is the region one AWS has, and what a failure to reach AWS means.

No AWS calls. Exceptions are recognised by class name (along their MRO) and by the error code of a ClientError,
so this file imports neither boto3 nor botocore, and the tests pass it real botocore exceptions.
Nothing here puts a secret key or session token into a message: auth errors are described, not quoted, and
every message goes through ``redact`` as a last guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

REGION_VARIABLE = "hasura_blog_aws_region"
ENDPOINT_VARIABLES = "hasura_blog_aws_endpoint_url / AWS_ENDPOINT_URL"
DEFAULT_INVENTORY = "inventories/<env>"
EMULATOR_DEFAULT_PORT = 4566
# The region of each partition whose STS endpoint every account has: asked when the chosen region refuses a key,
# to tell a region that is not enabled for the account from a key that AWS does not know.
HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}

# Error codes of AWS answers (ClientError), one meaning each.
UNKNOWN_KEY_CODES = frozenset({"InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException",
                               "AuthFailure"})
WRONG_SECRET_CODES = frozenset({"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature"})
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
CLOCK_CODES = frozenset({"RequestTimeTooSkewed", "RequestInTheFuture"})
REGION_DISABLED_CODES = frozenset({"RegionDisabledException"})
# botocore exceptions (class names) raised before or instead of an AWS answer.
EXPIRED_CLASSES = ("UnauthorizedSSOTokenError", "SSOTokenLoadError", "TokenRetrievalError")
UNREACHABLE_CLASSES = ("ProxyConnectionError", "SSLError", "ConnectTimeoutError", "ReadTimeoutError",
                       "EndpointConnectionError", "ConnectionClosedError", "HTTPClientError")

CREDENTIAL_HELP = ("set AWS_PROFILE to a profile of ~/.aws/config (for SSO run aws sso login --profile <name> first), "
                   "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys); "
                   "in AWX, attach an Amazon Web Services credential to the job template")


@dataclass(frozen=True)
class Target:
    """Where the check went and with what, as the messages name it. Never holds a secret."""

    region: str
    endpoint: str
    custom_endpoint: bool = False
    access_key: Optional[str] = None
    credential_source: Optional[str] = None
    profile: Optional[str] = None
    inventory: str = DEFAULT_INVENTORY

    @property
    def settings_file(self) -> str:
        return f"{self.inventory.rstrip('/')}/group_vars/hasura_blog/main.yml"


@dataclass(frozen=True)
class Failure:
    """One failure: ``kind`` for programs (and tests), ``msg`` for the person who runs the playbook."""

    kind: str
    msg: str


# ---------------------------------------------------------------------------------------------------------------
# Regions


def region_problem(region: Optional[str], known: Mapping[str, Iterable[str]], botocore_version: str,
                   inventory: str = DEFAULT_INVENTORY) -> Optional[Failure]:
    """None if ``region`` is one that botocore knows in some partition (``known``: partition -> regions)."""
    settings_file = Target("", "", inventory=inventory).settings_file
    if not region:
        return Failure("region", f"{REGION_VARIABLE} is not set: set it in {settings_file}, for example us-east-1.")
    everywhere = sorted({r for regions in known.values() for r in regions})
    if region in everywhere:
        return None
    guess = closest(region, everywhere)
    main = sorted(known.get("aws", ()))
    others = [r for r in everywhere if r not in main]
    listing = ", ".join(main) + (f"; other partitions: {', '.join(others)}" if others else "")
    hint = f"did you mean {guess}? " if guess else ""
    return Failure("region", f"{REGION_VARIABLE} '{region}' is not an AWS region ({hint}botocore {botocore_version} "
                             f"knows: {listing}). Set {REGION_VARIABLE} in {settings_file}. If AWS opened the region "
                             "after this botocore was released, upgrade boto3 and botocore.")


def closest(word: str, candidates: Iterable[str], most: int = 3) -> Optional[str]:
    """The candidate fewest typing errors away from ``word`` (an error: a letter wrong, missing, extra, or two
    letters swapped), if it is at most ``most`` errors away."""
    best = min(((_typos(word.lower(), c), c) for c in candidates), default=(most + 1, None))
    return best[1] if best[0] <= most else None


def _typos(a: str, b: str) -> int:
    """Optimal string alignment distance: Levenshtein plus the swap of two neighbouring letters."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def home_region(region: str, partition: Optional[str]) -> Optional[str]:
    """The region to ask again when ``region`` refuses a key, or None if there is none to ask."""
    home = HOME_REGIONS.get(partition or "")
    return home if home and home != region else None


def region_not_enabled(target: Target, account: str) -> Failure:
    """The chosen region refused a key that its partition's home region accepts (an opt-in region, not enabled)."""
    return Failure("region_not_enabled",
                   f"The region {target.region} is not enabled for AWS account {account}: the account's access key "
                   f"{key_hint(target.access_key)} works elsewhere. Enable the region (AWS console, Account, "
                   f"AWS Regions; or aws account enable-region --region-name {target.region}), or set another "
                   f"{REGION_VARIABLE} in {target.settings_file}.")


# ---------------------------------------------------------------------------------------------------------------
# Failures


def key_hint(access_key: Optional[str]) -> str:
    """The last 4 characters of an access key id, the way the AWS console shows it."""
    if not access_key:
        return "(unknown)"
    return f"...{access_key[-4:]}"


def redact(text: str, secrets: Iterable[Optional[str]]) -> str:
    """``text`` with every secret replaced, and with no user:password in any URL."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return re.sub(r"(\w+://)[^/@\s]+@", r"\1********@", text)


def without_userinfo(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="********@" + parts.netloc.rsplit("@", 1)[1]))


def _names(error: BaseException) -> list[str]:
    return [c.__name__ for c in type(error).__mro__]


def _error(error: BaseException) -> tuple[str, str, Optional[int]]:
    """(code, message, HTTP status) of an AWS answer (a botocore ClientError), or ("", "", None)."""
    response = getattr(error, "response", None)
    if not isinstance(response, Mapping):
        return "", "", None
    details = response.get("Error") or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return str(details.get("Code") or ""), str(details.get("Message") or ""), status


def _is_local(endpoint: str) -> bool:
    host = urlsplit(endpoint).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _kwargs(error: BaseException) -> Mapping:
    value = getattr(error, "kwargs", None)
    return value if isinstance(value, Mapping) else {}


def unreachable(error: BaseException, target: Target) -> Failure:
    names = _names(error)
    details = _kwargs(error)
    if "ProxyConnectionError" in names:
        reason = f"the proxy {without_userinfo(str(details.get('proxy_url', '')))} did not answer"
    elif "SSLError" in names:
        reason = f"the TLS handshake failed ({details.get('error', error)})"
    elif "ConnectTimeoutError" in names:
        reason = "no connection within the timeout (a firewall that drops packets, or no route)"
    elif "ReadTimeoutError" in names:
        reason = "it accepted the connection but did not answer within the timeout"
    elif "ConnectionClosedError" in names:
        reason = "it closed the connection before answering"
    elif "EndpointConnectionError" in names:
        reason = "nothing answers there (connection refused, no route, or the name does not resolve)"
    else:
        reason = str(error)
    tls = "validate_certs and aws_ca_bundle / AWS_CA_BUNDLE, " if "SSLError" in names else ""
    if target.custom_endpoint:
        where = f"Check {ENDPOINT_VARIABLES}, {tls}the network or proxy (HTTPS_PROXY, NO_PROXY)"
        if _is_local(target.endpoint):
            port = urlsplit(target.endpoint).port
            command = "make emulator" if port in (None, EMULATOR_DEFAULT_PORT) else f"make emulator AWS_EMULATOR_PORT={port}"
            where += f"; for the local inventory start the emulator with {command}"
    else:
        where = f"Check {tls}the network, a firewall or proxy (HTTPS_PROXY, NO_PROXY) between this machine and AWS"
    return Failure("unreachable", f"Cannot reach the AWS endpoint {target.endpoint} ({target.region}): {reason}. {where}.")


def not_aws(what: str, target: Target) -> Failure:
    return Failure("not_aws",
                   f"The endpoint {target.endpoint} did not answer like AWS ({target.region}): {what}. Check that "
                   f"{ENDPOINT_VARIABLES} points at AWS or at the emulator, not at another service or a proxy's "
                   "error page.")


def _source(target: Target) -> str:
    return f" ({target.credential_source})" if target.credential_source else ""


def _where_to_set(target: Target) -> str:
    if target.profile:
        return f"Fix the profile {target.profile} in ~/.aws/config or ~/.aws/credentials, or choose another AWS_PROFILE"
    return ("Set the right key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, in AWS_PROFILE's profile, or in the "
            "AWX Amazon Web Services credential")


def expired(target: Target, what: str, clock: bool = False) -> Failure:
    refresh = (f"aws sso login --profile {target.profile}" if target.profile else "aws sso login --profile <name>")
    msg = (f"The AWS session of access key {key_hint(target.access_key)}{_source(target)} has expired ({what}): "
           f"refresh it ({refresh}, new temporary keys with their AWS_SESSION_TOKEN, or a new session in the AWX "
           "credential) and run again.")
    if clock:
        msg += " If it is fresh, the clock of this machine is more than 5 minutes off: sync it (NTP)."
    return Failure("expired", msg)


def classify(error: BaseException, target: Target) -> Failure:
    """The one failure that ``error``, raised while calling sts:GetCallerIdentity for ``target``, means."""
    names = _names(error)
    code, message, status = _error(error)
    details = _kwargs(error)
    if "ValueError" in names and str(error).startswith("Invalid endpoint"):
        return Failure("endpoint_url",
                       f"The AWS endpoint '{target.endpoint}' is not a URL: check {ENDPOINT_VARIABLES} (for example "
                       "http://127.0.0.1:4566 for the emulator), or unset it to use AWS's own endpoints.")
    if "NoRegionError" in names or "InvalidRegionError" in names:
        return Failure("region", f"{REGION_VARIABLE} '{target.region or ''}' is not a region botocore accepts: set "
                                 f"{REGION_VARIABLE} in {target.settings_file}, for example us-east-1.")
    if "ProfileNotFound" in names:
        profile = details.get("profile") or target.profile
        return Failure("no_credentials",
                       f"The AWS profile '{profile}' (from AWS_PROFILE or the profile option) is in neither "
                       f"~/.aws/config nor ~/.aws/credentials: create it (aws configure sso --profile {profile}, or "
                       "aws configure --profile ...) or set AWS_PROFILE to an existing profile.")
    if "NoCredentialsError" in names:
        return Failure("no_credentials", f"No AWS credentials found for {target.region}: {CREDENTIAL_HELP}.")
    if "PartialCredentialsError" in names:
        return Failure("no_credentials",
                       f"Only part of the AWS credentials are set ({details.get('provider', 'unknown source')} lacks "
                       f"{details.get('cred_var', 'a value')}): {CREDENTIAL_HELP}.")
    if any(n in names for n in EXPIRED_CLASSES):
        return expired(target, "the SSO or token session")
    if "CredentialRetrievalError" in names:
        return Failure("no_credentials",
                       f"Getting the AWS credentials from {details.get('provider', 'the credential provider')} "
                       f"failed: {details.get('error_msg', error)}. Fix that source, or {CREDENTIAL_HELP}.")
    if any(n in names for n in UNREACHABLE_CLASSES):
        return unreachable(error, target)
    if "ResponseParserError" in names:
        body = str(error).split("received.", 1)[-1].split(":", 1)[-1].strip()
        return not_aws(f"its answer is not an AWS response: {body[:160]}", target)
    if code in EXPIRED_CODES:
        return expired(target, code, clock=code == "RequestExpired")
    if code in CLOCK_CODES or (code in WRONG_SECRET_CODES and "expired" in message.lower()):
        return Failure("clock",
                       f"AWS refused the request at {target.endpoint} ({target.region}) because the clock of this "
                       f"machine is more than 5 minutes off ({code}): sync it (NTP) and run again.")
    if code in UNKNOWN_KEY_CODES:
        return Failure("bad_credentials",
                       f"AWS refused the credentials for access key {key_hint(target.access_key)}{_source(target)} at "
                       f"{target.endpoint} ({target.region}): it does not know this key ({code}; deleted, deactivated, "
                       f"mistyped, or of another partition). {_where_to_set(target)}.")
    if code in WRONG_SECRET_CODES:
        return Failure("bad_credentials",
                       f"AWS refused the credentials for access key {key_hint(target.access_key)}{_source(target)} at "
                       f"{target.endpoint} ({target.region}): the secret key does not belong to this access key "
                       f"({code}). {_where_to_set(target)}.")
    if code in REGION_DISABLED_CODES:
        return Failure("region_not_enabled",
                       f"The region {target.region} is not enabled for this AWS account ({code}): enable it (AWS console, "
                       f"Account, AWS Regions) or set another {REGION_VARIABLE} in {target.settings_file}.")
    if code and not code.isdigit():
        operation = getattr(error, "operation_name", None) or "GetCallerIdentity"
        return Failure("other", f"AWS answered {operation} at {target.endpoint} ({target.region}) with {code}: {message}")
    if code or status:
        return not_aws(f"HTTP {status or code} without an AWS error code ({message or 'no message'})", target)
    return Failure("other", f"Checking access to {target.endpoint} ({target.region}) failed: "
                            f"{type(error).__name__}: {error}")
