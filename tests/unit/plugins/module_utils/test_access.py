"""access_check's pure logic: the region check, and one message per kind of failure, never with a secret in it."""

from __future__ import annotations

import pytest
from botocore import exceptions as bce
from botocore.parsers import ResponseParserError

from ansible_collections.hasura_blog.aws.plugins.module_utils.access import (
    CLOCK_CODES,
    EXPIRED_CODES,
    UNKNOWN_KEY_CODES,
    WRONG_SECRET_CODES,
    Target,
    classify,
    closest,
    home_region,
    key_hint,
    redact,
    region_not_enabled,
    region_problem,
)

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
KNOWN = {"aws": ["eu-west-1", "us-east-1", "us-east-2", "us-west-2"], "aws-cn": ["cn-north-1"]}
LOCAL = Target("us-east-1", "http://127.0.0.1:4566", custom_endpoint=True, access_key=KEY,
               credential_source="from hasura_blog_aws_access_key", inventory="inventories/local")
LOCAL_OTHER_PORT = Target("us-east-1", "http://127.0.0.1:50123", custom_endpoint=True, access_key=KEY)
AWS = Target("eu-west-1", "https://sts.eu-west-1.amazonaws.com", access_key=KEY, credential_source="from SSO profile dev",
             profile="dev", inventory="inventories/prod")


def answer(code: str, message: str = "", status: int = 403, operation: str = "GetCallerIdentity") -> bce.ClientError:
    """The exception botocore raises for an AWS error answer."""
    return bce.ClientError({"Error": {"Code": code, "Message": message, "Type": "Sender"},
                            "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


# ---------------------------------------------------------------------------------------------------------------
# Regions


def test_a_known_region_passes() -> None:
    assert region_problem("us-east-1", KNOWN, "1.44.8") is None
    assert region_problem("cn-north-1", KNOWN, "1.44.8") is None


def test_a_region_typo_names_the_variable_the_guess_the_list_and_the_file() -> None:
    problem = region_problem("us-esat-1", KNOWN, "1.44.8", "inventories/dev")
    assert problem is not None and problem.kind == "region"
    assert problem.msg == (
        "hasura_blog_aws_region 'us-esat-1' is not an AWS region (did you mean us-east-1? botocore 1.44.8 knows: "
        "eu-west-1, us-east-1, us-east-2, us-west-2; other partitions: cn-north-1). Set hasura_blog_aws_region in "
        "inventories/dev/group_vars/hasura_blog/main.yml. If AWS opened the region after this botocore was released, "
        "upgrade boto3 and botocore.")


def test_a_region_far_from_every_known_one_gets_no_guess() -> None:
    problem = region_problem("mars-north-1", KNOWN, "1.44.8")
    assert problem is not None and "did you mean" not in problem.msg
    assert "inventories/<env>/group_vars/hasura_blog/main.yml" in problem.msg


@pytest.mark.parametrize("region", [None, ""])
def test_no_region(region: str | None) -> None:
    problem = region_problem(region, KNOWN, "1.44.8", "inventories/local")
    assert problem is not None and problem.msg == (
        "hasura_blog_aws_region is not set: set it in inventories/local/group_vars/hasura_blog/main.yml, "
        "for example us-east-1.")


@pytest.mark.parametrize(("typo", "meant"), [
    ("us-esat-1", "us-east-1"),  # two letters swapped
    ("us-east1", "us-east-1"),   # one missing
    ("us-eastt-1", "us-east-1"),  # one extra
    ("US-EAST-2", "us-east-2"),
    ("eu-wset-1", "eu-west-1"),
    ("ap-southeast-9", None),
])
def test_a_typo_of_a_region_gets_the_closest_known_one(typo: str, meant: str | None) -> None:
    assert closest(typo, KNOWN["aws"]) == meant


def test_home_region_is_asked_only_where_there_is_one() -> None:
    assert home_region("ap-east-1", "aws") == "us-east-1"
    assert home_region("us-east-1", "aws") is None  # the region that refused is the home region
    assert home_region("cn-northwest-1", "aws-cn") == "cn-north-1"
    assert home_region("us-iso-east-1", "aws-iso") is None


def test_region_not_enabled() -> None:
    failure = region_not_enabled(Target("ap-east-1", "https://sts.ap-east-1.amazonaws.com", access_key=KEY,
                                        inventory="inventories/prod"), "123456789012")
    assert failure.kind == "region_not_enabled"
    assert failure.msg == (
        "The region ap-east-1 is not enabled for AWS account 123456789012: the account's access key ...MPLE works "
        "elsewhere. Enable the region (AWS console, Account, AWS Regions; or aws account enable-region --region-name "
        "ap-east-1), or set another hasura_blog_aws_region in inventories/prod/group_vars/hasura_blog/main.yml.")


# ---------------------------------------------------------------------------------------------------------------
# One message per kind of failure


def test_unreachable_emulator() -> None:
    failure = classify(bce.EndpointConnectionError(endpoint_url="http://127.0.0.1:4566/"), LOCAL)
    assert failure.kind == "unreachable"
    assert failure.msg == (
        "Cannot reach the AWS endpoint http://127.0.0.1:4566 (us-east-1): nothing answers there (connection refused, "
        "no route, or the name does not resolve). Check hasura_blog_aws_endpoint_url / AWS_ENDPOINT_URL, the network "
        "or proxy (HTTPS_PROXY, NO_PROXY); for the local inventory start the emulator with make emulator.")


def test_unreachable_emulator_on_another_port_names_the_port() -> None:
    failure = classify(bce.EndpointConnectionError(endpoint_url="http://127.0.0.1:50123/"), LOCAL_OTHER_PORT)
    assert failure.msg.endswith("start the emulator with make emulator AWS_EMULATOR_PORT=50123.")


def test_unreachable_aws_does_not_talk_about_the_emulator() -> None:
    failure = classify(bce.EndpointConnectionError(endpoint_url=AWS.endpoint), AWS)
    assert failure.msg == (
        "Cannot reach the AWS endpoint https://sts.eu-west-1.amazonaws.com (eu-west-1): nothing answers there "
        "(connection refused, no route, or the name does not resolve). Check the network, a firewall or proxy "
        "(HTTPS_PROXY, NO_PROXY) between this machine and AWS.")


@pytest.mark.parametrize(("error", "reason"), [
    (bce.ConnectTimeoutError(endpoint_url=AWS.endpoint), "no connection within the timeout"),
    (bce.ReadTimeoutError(endpoint_url=AWS.endpoint), "did not answer within the timeout"),
    (bce.ConnectionClosedError(endpoint_url=AWS.endpoint), "closed the connection before answering"),
    (bce.SSLError(endpoint_url=AWS.endpoint, error="[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate"),
     "the TLS handshake failed ([SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate). "
     "Check validate_certs and aws_ca_bundle / AWS_CA_BUNDLE, the network"),
    (bce.ProxyConnectionError(proxy_url="http://deployer:pr0xy-pass@proxy.example:3128"),
     "the proxy http://********@proxy.example:3128 did not answer"),
])
def test_unreachable_says_how(error: Exception, reason: str) -> None:
    failure = classify(error, AWS)
    assert failure.kind == "unreachable"
    assert failure.msg.startswith("Cannot reach the AWS endpoint https://sts.eu-west-1.amazonaws.com (eu-west-1): ")
    assert reason in failure.msg
    assert "pr0xy-pass" not in failure.msg


def test_an_endpoint_that_answers_html() -> None:
    error = ResponseParserError(
        "Unable to parse response (syntax error: line 1, column 0), invalid XML received. Further retries may succeed:"
        "\nb'<!doctype html>\\n<title>500 Internal Server Error</title>'")
    failure = classify(error, LOCAL)
    assert failure.kind == "not_aws"
    assert failure.msg == (
        "The endpoint http://127.0.0.1:4566 did not answer like AWS (us-east-1): its answer is not an AWS response: "
        "b'<!doctype html>\\n<title>500 Internal Server Error</title>'. Check that hasura_blog_aws_endpoint_url / "
        "AWS_ENDPOINT_URL points at AWS or at the emulator, not at another service or a proxy's error page.")


def test_an_http_error_without_an_aws_code_is_not_aws() -> None:
    failure = classify(answer("403", "Forbidden"), LOCAL)
    assert failure.kind == "not_aws"
    assert "HTTP 403 without an AWS error code (Forbidden)" in failure.msg


def test_an_endpoint_that_is_not_a_url() -> None:
    failure = classify(ValueError("Invalid endpoint: localhost:4566"), Target("us-east-1", "localhost:4566"))
    assert failure.kind == "endpoint_url"
    assert failure.msg == (
        "The AWS endpoint 'localhost:4566' is not a URL: check hasura_blog_aws_endpoint_url / AWS_ENDPOINT_URL "
        "(for example http://127.0.0.1:4566 for the emulator), or unset it to use AWS's own endpoints.")


def test_no_credentials() -> None:
    failure = classify(bce.NoCredentialsError(), AWS)
    assert failure.kind == "no_credentials"
    assert failure.msg == (
        "No AWS credentials found for eu-west-1: set AWS_PROFILE to a profile of ~/.aws/config (for SSO run aws sso "
        "login --profile <name> first), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
        "temporary keys); in AWX, attach an Amazon Web Services credential to the job template.")


def test_profile_not_found() -> None:
    failure = classify(bce.ProfileNotFound(profile="prod-deployer"), AWS)
    assert failure.kind == "no_credentials"
    assert failure.msg == (
        "The AWS profile 'prod-deployer' (from AWS_PROFILE or the profile option) is in neither ~/.aws/config nor "
        "~/.aws/credentials: create it (aws configure sso --profile prod-deployer, or aws configure --profile ...) or "
        "set AWS_PROFILE to an existing profile.")


def test_partial_credentials() -> None:
    failure = classify(bce.PartialCredentialsError(provider="explicit", cred_var="aws_secret_access_key"), AWS)
    assert failure.kind == "no_credentials"
    assert failure.msg.startswith("Only part of the AWS credentials are set (explicit lacks aws_secret_access_key): ")


@pytest.mark.parametrize("code", sorted(UNKNOWN_KEY_CODES))
def test_an_unknown_key(code: str) -> None:
    failure = classify(answer(code, "The security token included in the request is invalid."), LOCAL)
    assert failure.kind == "bad_credentials"
    assert failure.msg == (
        "AWS refused the credentials for access key ...MPLE (from hasura_blog_aws_access_key) at http://127.0.0.1:4566 "
        f"(us-east-1): it does not know this key ({code}; deleted, deactivated, mistyped, or of another partition). "
        "Set the right key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, in AWS_PROFILE's profile, or in the AWX "
        "Amazon Web Services credential.")


@pytest.mark.parametrize("code", sorted(WRONG_SECRET_CODES))
def test_a_wrong_secret(code: str) -> None:
    failure = classify(answer(code, "The request signature we calculated does not match the signature you provided."),
                       AWS)
    assert failure.kind == "bad_credentials"
    assert failure.msg == (
        "AWS refused the credentials for access key ...MPLE (from SSO profile dev) at https://sts.eu-west-1.amazonaws.com "
        f"(eu-west-1): the secret key does not belong to this access key ({code}). Fix the profile dev in "
        "~/.aws/config or ~/.aws/credentials, or choose another AWS_PROFILE.")


@pytest.mark.parametrize("code", sorted(EXPIRED_CODES))
def test_an_expired_session(code: str) -> None:
    failure = classify(answer(code, "The security token included in the request is expired"), AWS)
    assert failure.kind == "expired"
    assert failure.msg.startswith(
        f"The AWS session of access key ...MPLE (from SSO profile dev) has expired ({code}): refresh it (aws sso login "
        "--profile dev, new temporary keys with their AWS_SESSION_TOKEN, or a new session in the AWX credential) and "
        "run again.")
    assert ("clock" in failure.msg) == (code == "RequestExpired")


@pytest.mark.parametrize("error", [bce.UnauthorizedSSOTokenError(), bce.SSOTokenLoadError(error_msg="no token"),
                                   bce.TokenRetrievalError(provider="sso", error_msg="expired")])
def test_an_expired_sso_session(error: Exception) -> None:
    failure = classify(error, AWS)
    assert failure.kind == "expired"
    assert "has expired (the SSO or token session): refresh it (aws sso login --profile dev" in failure.msg


@pytest.mark.parametrize("error", [answer(code) for code in sorted(CLOCK_CODES)]
                         + [answer("SignatureDoesNotMatch", "Signature expired: 20260101T000000Z is now earlier than")])
def test_a_clock_that_is_off(error: Exception) -> None:
    failure = classify(error, AWS)
    assert failure.kind == "clock"
    assert "the clock of this machine is more than 5 minutes off" in failure.msg


def test_a_region_sts_is_disabled_in() -> None:
    failure = classify(answer("RegionDisabledException", "STS is not activated in this region"), AWS)
    assert failure.kind == "region_not_enabled"
    assert failure.msg.startswith("The region eu-west-1 is not enabled for this AWS account (RegionDisabledException)")


def test_any_other_aws_answer_is_quoted_with_its_operation() -> None:
    failure = classify(answer("AccessDenied", "not authorized to perform: sts:AssumeRole", operation="AssumeRole"), AWS)
    assert failure.kind == "other"
    assert failure.msg == ("AWS answered AssumeRole at https://sts.eu-west-1.amazonaws.com (eu-west-1) with "
                           "AccessDenied: not authorized to perform: sts:AssumeRole")


# ---------------------------------------------------------------------------------------------------------------
# Secrets


EVERY_FAILURE = [
    bce.EndpointConnectionError(endpoint_url=f"http://127.0.0.1:4566/?{SECRET}"),
    bce.SSLError(endpoint_url="https://x", error=SECRET),
    bce.ReadTimeoutError(endpoint_url="https://x"),
    bce.NoCredentialsError(),
    bce.PartialCredentialsError(provider="explicit", cred_var="aws_session_token"),
    bce.ProfileNotFound(profile="dev"),
    bce.CredentialRetrievalError(provider="custom-process", error_msg=f"printed {SECRET} and {TOKEN}"),
    bce.UnauthorizedSSOTokenError(),
    ResponseParserError(f"Unable to parse response, invalid XML received. Further retries may succeed: b'{SECRET}'"),
    ValueError("Invalid endpoint: x"),
    RuntimeError(SECRET),
    *[answer(code, f"signed with {SECRET} and {TOKEN}") for code in
      sorted(UNKNOWN_KEY_CODES | WRONG_SECRET_CODES | EXPIRED_CODES | CLOCK_CODES | {"Throttling", "500"})],
]


def error_id(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return "-".join(filter(None, [type(error).__name__, response.get("Error", {}).get("Code")]))


@pytest.mark.parametrize("error", EVERY_FAILURE, ids=error_id)
@pytest.mark.parametrize("target", [LOCAL, AWS], ids=["local", "aws"])
def test_no_message_holds_a_secret_or_the_whole_key(error: Exception, target: Target) -> None:
    failure = classify(error, target)
    msg = redact(failure.msg, [SECRET, TOKEN])
    assert SECRET not in msg and TOKEN not in msg
    assert SECRET.split("/", maxsplit=1)[0] not in msg
    if failure.kind in ("bad_credentials", "expired"):
        assert KEY not in failure.msg and "...MPLE" in failure.msg
        # Auth errors are described, never quoted: the secret is absent before redaction too.
        assert SECRET not in failure.msg and TOKEN not in failure.msg


def test_each_kind_has_its_own_message() -> None:
    kinds = {classify(error, AWS).kind for error in EVERY_FAILURE}
    assert kinds == {"unreachable", "no_credentials", "expired", "not_aws", "endpoint_url", "other",
                     "bad_credentials", "clock"}


def test_key_hint_and_redact() -> None:
    assert key_hint(KEY) == "...MPLE"
    assert key_hint(None) == "(unknown)"
    assert redact(f"a {SECRET} b https://u:p@h/x", [SECRET, None, ""]) == "a ******** b https://********@h/x"
