"""TOTP secrets and recovery-code seeds stored in clear before accounts.mfa_secrets:
encrypted under MFA_ENCRYPTION_KEY (issue 12). Reversible: unapplying stores them in clear
again, as allauth's default adapter reads them."""

from django.db import migrations

from accounts.mfa_secrets import decrypt_stored_secrets, encrypt_stored_secrets


def encrypt_secrets(apps, schema_editor):
    encrypt_stored_secrets(apps.get_model("mfa", "Authenticator"),
                           using=schema_editor.connection.alias)


def decrypt_secrets(apps, schema_editor):
    decrypt_stored_secrets(apps.get_model("mfa", "Authenticator"),
                           using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_compact_tax_codes_and_unique_messages"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
