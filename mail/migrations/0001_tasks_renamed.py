"""Outgoing mail moved from home/mail.py to mail/sending.py: the queue's rows name the
task and its failures by dotted path, so the mails already queued (and the attempts
already recorded, which the queue's health reads) are renamed with it. Without this,
a mail queued before the update would fail to import after it."""

from django.db import migrations

RENAMED = {
    "home.mail.send_email": "mail.sending.send_email",
    "home.mail.MailAttemptFailed": "mail.sending.MailAttemptFailed",
    "home.mail.MailNotDelivered": "mail.sending.MailNotDelivered",
}


def rename(mapping):
    def run(apps, schema_editor):
        task_result = apps.get_model("django_tasks_database", "DBTaskResult")
        for old, new in mapping.items():
            task_result.objects.filter(task_path=old).update(task_path=new)
            task_result.objects.filter(exception_class_path=old).update(exception_class_path=new)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(rename(RENAMED),
                             rename({new: old for old, new in RENAMED.items()})),
    ]
