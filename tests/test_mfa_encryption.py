"""Two-factor secrets are encrypted at rest and still verify (issue 12): TOTP set up through
allauth, rows stored in clear before the data migration (accounts 0005), recovery codes,
key rotation, and production's refusal of a missing or malformed MFA_ENCRYPTION_KEY
(accounts/mfa_secrets.py, website/settings/production.py).
"""

import importlib
import json
import time
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.cache import cache
from django.db import connection

from accounts.mfa_secrets import (
    SecretNotReadable,
    decrypt_secret,
    encrypt_secret,
    encrypt_stored_secrets,
    is_encrypted,
    rotate_stored_secrets,
)
from tests.test_accounts_auth import activate_totp, fresh_totp, login, make_user
from tests.test_production_settings import (  # noqa: F401 (project: a fixture)
    production_env,
    project,
    run_manage,
)

MIGRATION = importlib.import_module("accounts.migrations.0005_encrypt_mfa_secrets")
PLAIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, as allauth generates them
PLAIN_SEED = "5f" * 40  # hex, as allauth generates them


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth's rate limits and used TOTP codes live in the (locmem) default cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner(db):
    return make_user("referente@associazione.example")


def code_for(secret):
    """The current TOTP code of `secret` (base32), computed as the phone's app does."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def second_factor(client, email, code):
    """Sign in with the password, then `code` on allauth's second step; the response."""
    client.post("/it/accounts/logout/")
    response = login(client, email)
    assert response["Location"] == "/it/accounts/2fa/authenticate/"
    return client.post("/it/accounts/2fa/authenticate/", {"code": code})


def signed_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


# --- Set up through allauth ----------------------------------------------------------------


def test_a_totp_set_up_through_allauth_is_stored_encrypted_and_signs_in(client, partner):
    login(client, partner.email)
    secret, _response = activate_totp(client)

    totp = Authenticator.objects.get(user=partner, type=Authenticator.Type.TOTP)
    stored = json.dumps(totp.data)
    assert secret not in stored and secret.lower() not in stored
    assert is_encrypted(totp.data["secret"])
    assert decrypt_secret(totp.data["secret"]) == secret

    response = second_factor(client, partner.email, fresh_totp(secret))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in(client, partner)


def test_recovery_codes_are_stored_encrypted_and_sign_in(client, partner):
    login(client, partner.email)
    activate_totp(client)  # allauth makes the recovery codes with the authenticator

    row = Authenticator.objects.get(user=partner, type=Authenticator.Type.RECOVERY_CODES)
    assert is_encrypted(row.data["seed"])
    codes = RecoveryCodes(row).get_unused_codes()
    assert len(codes) == 10

    response = second_factor(client, partner.email, codes[0])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in(client, partner)
    row.refresh_from_db()
    assert codes[0] not in RecoveryCodes(row).get_unused_codes()  # used once only


# --- Rows stored in clear before the migration -------------------------------------------


def plaintext_rows(user):
    """A TOTP and recovery codes as allauth's default adapter stored them: in clear."""
    totp = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                        data={"secret": PLAIN_SECRET})
    recovery = Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": PLAIN_SEED, "used_mask": 0})
    return totp, recovery


def run_migration(function):
    function(apps, SimpleNamespace(connection=connection))


def test_the_migration_encrypts_plaintext_secrets_which_still_verify(client, partner):
    totp, recovery = plaintext_rows(partner)
    # The codes the person holds: allauth's derivation from the seed (on an encrypted
    # copy in memory: the adapter reads tokens only).
    recovery.data = {**recovery.data, "seed": encrypt_secret(PLAIN_SEED)}
    codes_before = RecoveryCodes(recovery).generate_codes()
    recovery.refresh_from_db()

    run_migration(MIGRATION.encrypt_secrets)

    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert PLAIN_SECRET not in json.dumps(totp.data)
    assert PLAIN_SEED not in json.dumps(recovery.data)
    assert decrypt_secret(totp.data["secret"]) == PLAIN_SECRET
    assert TOTP(totp).validate_code(code_for(PLAIN_SECRET))
    assert RecoveryCodes(recovery).generate_codes() == codes_before

    # Through the site: the authenticator app the person already has still signs in.
    cache.clear()  # the code just checked counts as used for this period
    response = second_factor(client, partner.email, fresh_totp(PLAIN_SECRET))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in(client, partner)


def test_the_migration_can_run_twice_and_be_reversed(partner):
    totp, recovery = plaintext_rows(partner)
    run_migration(MIGRATION.encrypt_secrets)
    totp.refresh_from_db()
    encrypted = totp.data["secret"]

    run_migration(MIGRATION.encrypt_secrets)  # nothing encrypted twice
    totp.refresh_from_db()
    assert totp.data["secret"] == encrypted

    run_migration(MIGRATION.decrypt_secrets)
    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert totp.data == {"secret": PLAIN_SECRET}
    assert recovery.data == {"seed": PLAIN_SEED, "used_mask": 0}


def test_imported_recovery_codes_are_encrypted_one_by_one(partner):
    row = Authenticator.objects.create(
        user=partner, type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": PLAIN_SEED, "used_mask": 0, "migrated_codes": ["12345678", "87654321"]})
    assert encrypt_stored_secrets(Authenticator) == 1
    row.refresh_from_db()
    assert "12345678" not in json.dumps(row.data)
    assert RecoveryCodes(row).get_unused_codes() == ["12345678", "87654321"]


# --- Keys ------------------------------------------------------------------------------------


def test_plaintext_is_never_read_as_a_secret():
    with pytest.raises(SecretNotReadable):
        decrypt_secret(PLAIN_SECRET)


def test_a_token_of_a_lost_key_is_refused_not_encrypted_again(settings, partner):
    settings.MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    TOTP.activate(partner, PLAIN_SECRET)
    settings.MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(SecretNotReadable) as refused:
        encrypt_stored_secrets(Authenticator)
    assert "MFA_ENCRYPTION_KEY" in str(refused.value)
    assert PLAIN_SECRET not in str(refused.value)


def test_a_key_is_rotated_without_locking_anyone_out(settings, partner):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    TOTP.activate(partner, PLAIN_SECRET)

    settings.MFA_ENCRYPTION_KEYS = [new, old]  # the new key first, the old one kept
    row = Authenticator.objects.get(user=partner, type=Authenticator.Type.TOTP)
    assert decrypt_secret(row.data["secret"]) == PLAIN_SECRET
    assert rotate_stored_secrets(Authenticator) == 1

    settings.MFA_ENCRYPTION_KEYS = [new]  # the old key dropped
    row.refresh_from_db()
    assert TOTP(row).validate_code(code_for(PLAIN_SECRET))
    settings.MFA_ENCRYPTION_KEYS = [old]
    with pytest.raises(SecretNotReadable):
        decrypt_secret(row.data["secret"])


# --- Production ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", " "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_the_key(project, tmp_path, value):  # noqa: F811
    result = run_manage(project, production_env(tmp_path, MFA_ENCRYPTION_KEY=value), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured: MFA_ENCRYPTION_KEY is not set" in result.stderr


BAD_KEYS = {
    "too-short": "c2hvcnQ=",
    "not-base64": "x" * 43 + "!",
    "a-password": "correct horse battery staple correct horse battery",
}


@pytest.mark.parametrize("bad", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_production_refuses_a_malformed_key(project, tmp_path, bad):  # noqa: F811
    keys = f"{Fernet.generate_key().decode()},{bad}"
    result = run_manage(project, production_env(tmp_path, MFA_ENCRYPTION_KEY=keys), "check")
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY: key 2 is not a Fernet key" in result.stderr
    assert bad not in result.stderr  # a key is never printed, even a bad one


def test_production_takes_a_list_of_keys(project, tmp_path):  # noqa: F811
    keys = [Fernet.generate_key().decode() for _ in range(2)]
    env = production_env(tmp_path, MFA_ENCRYPTION_KEY=f"{keys[0]}, {keys[1]}")
    result = run_manage(project, env, "shell", "-c",
                        "from accounts.mfa_secrets import encryption_keys as k; "
                        "print(len(k()), k()[0][:4])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["2", keys[0][:4]]
