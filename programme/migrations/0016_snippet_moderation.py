"""Groups, venues and contact details go live only through "Revisione e approvazione".

- The workflow made by 0002 is assigned to the three snippets' content types
  (WorkflowContentType): saving is a draft, "Invia a Approvazione" starts the review.
- Redazione may add, change and lock them but not publish; Approvazione adds, changes,
  publishes, locks and unlocks them (and deletes venues and groups, as since 0002).
  Segreteria keeps what it had: it sets a group's status in "Gruppi e posti", outside
  the workflow (programme.seats.set_group_status).
- Every existing row gets a first revision, published, holding its current content:
  history and "compare" start from what the public sees today.

Permissions are fetched or created by (content type, codename): the publish, lock and
unlock ones are made by Wagtail after `migrate` (wagtail.snippets.models
.create_extra_permissions), so on a fresh database they do not exist yet.

Revisions are built from the historical models (fields and child rows serialised as
Wagtail's serializable_data() does), not from the project's models, which may have
fields this migration's database does not have yet.

Reversing removes the workflow from the three content types and the permissions added
here from the two groups. The revisions stay: they are the snippets' history (data, not
structure), and running this migration again gives a first revision only to the rows
that have none.
"""

from django.db import migrations
from django.utils import timezone

REDAZIONE = "Redazione"
APPROVAZIONE = "Approvazione"
WORKFLOW_NAME = "Revisione e approvazione"

# (app_label, model name, child relations kept in a revision)
SNIPPETS = [
    ("programme", "group", ["slots", "cancelled_meetings", "holiday_meetings"]),
    ("programme", "venue", []),
    ("home", "contactdetails", []),
]
VERBOSE = {"group": "group", "venue": "venue", "contactdetails": "contact details"}
ACTIONS = {
    REDAZIONE: ["add", "change", "lock"],
    APPROVAZIONE: ["add", "change", "publish", "lock", "unlock"],
}


def _permission(apps, content_type, action, model):
    Permission = apps.get_model("auth", "Permission")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=f"{action}_{model}",
        defaults={"name": f"Can {action} {VERBOSE[model]}"},
    )
    return permission


def _serializable(obj, children):
    from modelcluster.models import get_serializable_data_for_fields

    data = get_serializable_data_for_fields(obj)
    for relation in children:
        data[relation] = [get_serializable_data_for_fields(child)
                          for child in getattr(obj, relation).all()]
    return data


def moderate_snippets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    Revision = apps.get_model("wagtailcore", "Revision")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    groups = {name: Group.objects.filter(name=name).first() for name in ACTIONS}
    now = timezone.now()
    for app_label, model, children in SNIPPETS:
        content_type, _created = ContentType.objects.get_or_create(
            app_label=app_label, model=model)
        if workflow is not None:
            WorkflowContentType.objects.update_or_create(
                content_type=content_type, defaults={"workflow": workflow})
        for name, actions in ACTIONS.items():
            if groups[name] is not None:
                groups[name].permissions.add(
                    *[_permission(apps, content_type, action, model) for action in actions])
        Model = apps.get_model(app_label, model)
        for obj in Model.objects.filter(latest_revision__isnull=True):
            revision = Revision.objects.create(
                content_type=content_type, base_content_type=content_type,
                object_id=str(obj.pk), created_at=now, user=None,
                object_str=str(getattr(obj, "name", None) or getattr(obj, "office_name", ""))[:255],
                content=_serializable(obj, children),
            )
            fields = {"latest_revision": revision}
            if obj.live:
                fields.update(live_revision=revision, has_unpublished_changes=False,
                              first_published_at=obj.first_published_at or now,
                              last_published_at=obj.last_published_at or now)
            Model.objects.filter(pk=obj.pk).update(**fields)


def release_snippets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    for app_label, model, _children in SNIPPETS:
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        WorkflowContentType.objects.filter(
            content_type=content_type, workflow__name=WORKFLOW_NAME).delete()
        # Redazione keeps add/change of venues and groups, as 0002 gave them.
        given = {
            REDAZIONE: ["lock"] if model != "contactdetails" else ["add", "change", "lock"],
            APPROVAZIONE: ["publish", "lock", "unlock"]
            + (["add", "change"] if model == "contactdetails" else []),
        }
        for name, actions in given.items():
            group = Group.objects.filter(name=name).first()
            if group is not None:
                group.permissions.remove(*Permission.objects.filter(
                    content_type=content_type,
                    codename__in=[f"{action}_{model}" for action in actions]))


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0015_drafts_waiting_list_duplicates"),
        ("home", "0009_contact_details_drafts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(moderate_snippets, release_snippets)]
