"""Secrets Manager in realistic mode: a secret deleted without recovery keeps its name for a while."""

from __future__ import annotations

from typing import Any
from unittest import mock

from moto.secretsmanager.exceptions import InvalidRequestException
from moto.secretsmanager.models import SecretsManagerBackend

from tests.emulator import realism
from tests.emulator.patches import _started

DELETE_SECRET_DOC = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html"
SCHEDULED = "You can't create this secret because a secret with this name is already scheduled for deletion."


def _deleted(backend: SecretsManagerBackend) -> dict[str, float]:
    """Secret name -> when it was deleted without recovery (on the emulator's clock), for this account and region."""
    return backend.__dict__.setdefault("_realism_forced_deletions", {})


def _name_blocked_after_deletion() -> list:
    """AWS: DeleteSecret with ForceDeleteWithoutRecovery completes asynchronously; until it has, CreateSecret of the
    same name fails with InvalidRequestException ("You can't create this secret because a secret with this name is
    already scheduled for deletion."), and AWS says to back off and retry.
    https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html

    moto deletes the secret at once, so its name can be used again at once.
    """
    delete_original = SecretsManagerBackend.delete_secret
    create_original = SecretsManagerBackend.create_secret

    def delete_secret(self: SecretsManagerBackend, secret_id: str, recovery_window_in_days: int | None,
                      force_delete_without_recovery: bool) -> tuple[str, str, float]:
        existed = self._is_valid_identifier(secret_id)
        arn, name, deletion_date = delete_original(self, secret_id, recovery_window_in_days, force_delete_without_recovery)
        if existed and force_delete_without_recovery:
            _deleted(self)[name] = realism.now()
        return arn, name, deletion_date

    def create_secret(self: SecretsManagerBackend, name: str, *args: Any, **kwargs: Any) -> str:
        since = _deleted(self).get(name)
        if since is not None and not realism.elapsed(since, "secret_deletion"):
            raise InvalidRequestException(SCHEDULED)
        return create_original(self, name, *args, **kwargs)

    return _started(
        mock.patch.object(SecretsManagerBackend, "delete_secret", delete_secret),
        mock.patch.object(SecretsManagerBackend, "create_secret", create_secret),
    )


BEHAVIOURS: tuple[realism.Behaviour, ...] = (
    realism.Behaviour("secret_name_blocked_after_deletion", "a secret deleted without recovery keeps its name for a "
                      "while: CreateSecret of that name fails", DELETE_SECRET_DOC, _name_blocked_after_deletion),
)
