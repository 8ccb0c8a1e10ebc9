# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hasura_blog.aws.converged: the fast path of a re-run. Documented in plugins/modules/converged.py.

An action plugin, so that it runs in the controller's process: one boto3 session reads the role's resources, with no
module process to start (about a second per AWS module task). The logic is plugins/module_utils/converged.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.hasura_blog.aws.plugins.module_utils import converged

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:  # pragma: no cover - the collection requires boto3, as amazon.aws does
    boto3 = None

CONNECTION = ("region", "endpoint_url", "access_key", "secret_key", "session_token", "profile", "aws_config")
# The collection's code that a role's behaviour depends on, besides the role's own files.
PLUGIN_DIRS = ("plugins/modules", "plugins/module_utils", "plugins/filter", "plugins/action")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("role", "record", "where", "inputs", "secrets_var", "facts", "state") + CONNECTION)
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        role, state = args.get("role"), args.get("state", "compare")
        if role not in converged.READERS:
            raise AnsibleActionFail(f"role must be one of {', '.join(converged.ROLES)}, not {role!r}")
        if state not in ("compare", "record", "absent"):
            raise AnsibleActionFail(f"state must be compare, record or absent, not {state!r}")
        if boto3 is None:
            raise AnsibleActionFail("hasura_blog.aws.converged needs boto3 on the controller")
        name, where, inputs = args["record"], dict(args.get("where") or {}), dict(args.get("inputs") or {})
        # The secrets are not arguments, which a callback could print: the name of the variable that holds them.
        secrets_var = args.get("secrets_var")
        if state != "absent" and not where:
            raise AnsibleActionFail(f"where is required with state={state}: where the {role} role's resources are")
        client = self._clients(args)
        if state == "absent":
            return self._delete(result, client, name)
        try:
            recorded = converged.parse_record(self._parameter(client, name))
            if state == "compare" and recorded is None:
                # A first run: nothing to compare with, nothing more to read.
                result.update(changed=False, converged=False, reason=converged.decide(None, "", True)[1], facts={})
                return result
            code = converged.code_digest(self._code_files())
            current = converged.digest({"inputs": inputs, "where": where}, converged.read(role, client, where), code)
            if state == "record":
                return self._record(result, client, name, current, recorded, dict(args.get("facts") or {}))
            # The secrets are read only when all else is as recorded: otherwise the role runs anyway.
            same = recorded is not None and recorded.get("digest") == current
            secrets_match = not same or self._secrets_match(client, self._secrets(secrets_var))
            is_converged, reason = converged.decide(recorded, current, secrets_match)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise AnsibleActionFail(f"Cannot read the resources of the {role} role: {error}") from error
        result.update(changed=False, converged=is_converged, reason=reason,
                      facts=recorded["facts"] if is_converged else {})
        return result

    def _record(self, result, client, name, current, recorded, facts):
        value = converged.record_value(current, facts)
        unchanged = recorded is not None and converged.record_value(recorded["digest"], recorded["facts"]) == value
        # Bookkeeping of the run, not a change to the environment: changed stays false. A plan writes nothing.
        if not unchanged and not self._task.check_mode:
            client("ssm").put_parameter(Name=name, Value=value, Type="String", Overwrite=True,
                                        Description="The digest of the last converged run of a role (hasura_blog.aws.converged)")
        result.update(changed=False, converged=True, recorded=not unchanged and not self._task.check_mode, facts=facts)
        return result

    def _delete(self, result, client, name):
        # The teardown's first step, so that no record claims a role converged while its resources are deleted.
        deleted = False
        if not self._task.check_mode:
            try:
                client("ssm").delete_parameter(Name=name)
                deleted = True
            except botocore.exceptions.ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ParameterNotFound":
                    raise AnsibleActionFail(f"Cannot delete the record {name}: {error}") from error
        result.update(changed=False, converged=False, deleted=deleted, facts={})
        return result

    def _clients(self, args: dict[str, Any]):
        session = boto3.session.Session(
            region_name=args.get("region"), aws_access_key_id=args.get("access_key"),
            aws_secret_access_key=args.get("secret_key"), aws_session_token=args.get("session_token"),
            profile_name=args.get("profile"))
        config = botocore.config.Config(**(args.get("aws_config") or {}))
        clients: dict[str, Any] = {}

        def client(service: str):
            if service not in clients:
                clients[service] = session.client(service, endpoint_url=args.get("endpoint_url"), config=config)
            return clients[service]
        return client

    @staticmethod
    def _parameter(client, name: str) -> str | None:
        try:
            return client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
        except botocore.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
                return None
            raise

    def _secrets(self, variable: str | None) -> dict[str, str]:
        if not variable:
            return {}
        secrets = self._templar.resolve_variable_expression(variable)
        if not isinstance(secrets, dict):
            raise AnsibleActionFail(f"secrets_var {variable} must hold a dict of secret id to value")
        return secrets

    @staticmethod
    def _secrets_match(client, secrets: dict[str, str]) -> bool:
        manager = client("secretsmanager")
        for secret_id, value in secrets.items():
            try:
                stored = manager.get_secret_value(SecretId=secret_id).get("SecretString")
            except botocore.exceptions.ClientError:
                return False
            if stored != value:
                return False
        return True

    def _code_files(self):
        role_path = Path(self._task._role._role_path)  # pylint: disable=protected-access
        root = role_path.parent.parent
        for base in [role_path] + [root / directory for directory in PLUGIN_DIRS]:
            for path in base.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    yield str(path.relative_to(root)), path.read_bytes()
