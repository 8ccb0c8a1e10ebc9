"""error_text: the text of a failed task, from each place a module leaves it."""

import pytest

from ansible_collections.hasura_blog.aws.plugins.module_utils.results import error_text


@pytest.mark.parametrize("result, expected", [
    ({"changed": False}, ""),
    ({"failed": False, "msg": "All good"}, ""),
    # an uncaught botocore error in a module: ansible reports a traceback
    ({"failed": True, "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error",
      "module_stderr": "botocore.errorfactory.InvalidParameterException: An error occurred (InvalidParameterException) "
                       "when calling the CreateCluster operation: Unable to assume the service linked role."},
     "Unable to assume the service linked role"),
    # AnsibleAWSModule.fail_json_aws: the code in error.code
    ({"failed": True, "msg": "Couldn't delete security group", "error": {"code": "DependencyViolation", "message": "x"}},
     "DependencyViolation"),
])
def test_error_text(result: dict, expected: str) -> None:
    text = error_text(result)
    assert expected in text
    if not expected:
        assert text == ""


@pytest.mark.parametrize("timestamp", ["2026-11-30T06:00:00+00:00", "2026-11-30T06:00:00Z", "2026-11-30T07:00:00+01:00",
                                       "2026-11-30T06:00:00"])
def test_seconds_since(timestamp: str) -> None:
    from datetime import datetime, timezone

    from ansible_collections.hasura_blog.aws.plugins.module_utils.results import seconds_since

    assert seconds_since(timestamp, now=datetime(2026, 11, 30, 6, 0, 12, tzinfo=timezone.utc)) == 12
