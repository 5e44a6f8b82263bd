"""Two-factor secrets encrypted at rest (issue 12).

allauth keeps in `Authenticator.data` the TOTP secret (`"secret"`, base32) and the seed of
the recovery codes (`"seed"`, hex; `"migrated_codes"`, a list of codes, on rows imported
from other libraries), each passed through its MFA adapter's `encrypt()` / `decrypt()`,
which by default store them as they are: whoever reads the database or a backup can
compute every administrator's codes. Here they are Fernet tokens (the `cryptography`
package: AES-128-CBC with an HMAC-SHA256, authenticated, so a wrong key or a changed
token is detected, never decrypted into a wrong secret) under MFA_ENCRYPTION_KEY.

Keys: `settings.MFA_ENCRYPTION_KEYS`, from the environment variable MFA_ENCRYPTION_KEY, a
comma-separated list of Fernet keys (`Fernet.generate_key()`: 32 random bytes, url-safe
base64). The first encrypts; every one decrypts (MultiFernet), so a key is rotated by
putting the new one first, running `rotate_stored_secrets` (manage.py shell), then
dropping the old one. Production refuses to start without a valid key
(website/settings/production.py); development and tests derive one from SECRET_KEY.

Rows stored in clear before this module existed are encrypted by the data migration
accounts 0005 (`encrypt_stored_secrets`); `decrypt_secret` accepts nothing but tokens.
"""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

# Every Fernet token starts with its version byte 0x80 followed by a 64-bit timestamp
# whose first bytes are zero for millennia: in base64, "gAAAAA". A TOTP secret (base32,
# upper case) or a recovery seed (hex) never does.
FERNET_PREFIX = "gAAAAA"
# Where allauth keeps secrets, by Authenticator type: single values, and lists of values.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LIST_FIELDS = {"totp": (), "recovery_codes": ("migrated_codes",)}


class SecretNotReadable(ImproperlyConfigured):
    """A stored two-factor secret is a token none of MFA_ENCRYPTION_KEY's keys opens: the
    key was changed without keeping the old one, or the row was altered."""


def encryption_keys():
    """The Fernet keys, first the one that encrypts (list of str): MFA_ENCRYPTION_KEYS, or,
    when it is empty (development, tests), one derived from SECRET_KEY."""
    keys = [key for key in getattr(settings, "MFA_ENCRYPTION_KEYS", []) if key]
    if keys:
        return keys
    digest = salted_hmac("accounts.mfa_secrets", "MFA_ENCRYPTION_KEY",
                         algorithm="sha256").digest()
    return [base64.urlsafe_b64encode(digest).decode("ascii")]


def _fernet():
    return MultiFernet([Fernet(key) for key in encryption_keys()])


def encrypt_secret(text):
    """`text` (str) as a Fernet token (str, ASCII) under the first key."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_secret(token):
    """The text `encrypt_secret` made `token` from. Raises SecretNotReadable (naming the
    setting, never a key or a secret) when no key opens it, plaintext included."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise SecretNotReadable(
            "A two-factor secret could not be decrypted with the keys of "
            "MFA_ENCRYPTION_KEY: keep the old key after the new one while rotating, and "
            "run the migrations (accounts 0005 encrypts secrets stored in clear)."
        ) from error


def is_encrypted(value):
    """Whether `value` (str) is a token the keys open. Raises SecretNotReadable for a token
    they do not open: encrypting it again would lose the secret for good."""
    try:
        decrypt_secret(value)
    except SecretNotReadable:
        if value.startswith(FERNET_PREFIX):
            raise
        return False
    return True


class MFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter (settings.MFA_ADAPTER) with its secrets encrypted."""

    def encrypt(self, text):
        return encrypt_secret(text)

    def decrypt(self, encrypted_text):
        return decrypt_secret(encrypted_text)


def _transform_data(kind, data, change):
    """`data` (an Authenticator's dict) with `change` applied to each secret of an
    authenticator of type `kind`; None when nothing changed."""
    new = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(new.get(field), str):
            new[field] = change(new[field])
    for field in SECRET_LIST_FIELDS.get(kind, ()):
        if isinstance(new.get(field), list):
            new[field] = [change(value) for value in new[field]]
    return new if new != data else None


def _rewrite(authenticator_model, using, change):
    changed = 0
    rows = authenticator_model.objects.using(using).filter(type__in=list(SECRET_FIELDS))
    for row in rows.iterator():
        data = _transform_data(row.type, row.data, change)
        if data is not None:
            row.data = data
            row.save(update_fields=["data"], using=using)
            changed += 1
    return changed


def encrypt_stored_secrets(authenticator_model, using="default"):
    """Encrypt every TOTP secret and recovery seed still stored in clear. Returns how many
    rows changed; rows already encrypted are left as they are (it may run twice).
    `authenticator_model`: allauth's Authenticator, or a migration's historical model."""
    return _rewrite(authenticator_model, using,
                    lambda value: value if is_encrypted(value) else encrypt_secret(value))


def decrypt_stored_secrets(authenticator_model, using="default"):
    """The reverse of `encrypt_stored_secrets` (unapplying accounts 0005): every secret in
    clear again, as allauth's default adapter reads them. Returns how many rows changed."""
    return _rewrite(authenticator_model, using,
                    lambda value: decrypt_secret(value) if is_encrypted(value) else value)


def rotate_stored_secrets(authenticator_model, using="default"):
    """Encrypt every stored secret again under the first key of MFA_ENCRYPTION_KEY (after
    a new key was put first), so the old key can be dropped. Returns how many rows
    changed."""
    fernet = _fernet()

    def rotate(value):
        if not is_encrypted(value):
            return encrypt_secret(value)
        return fernet.rotate(value.encode("ascii")).decode("ascii")

    return _rewrite(authenticator_model, using, rotate)
