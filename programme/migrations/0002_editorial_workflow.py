"""Editorial groups and the moderation workflow.

- Redazione (editors): into the admin; add and edit pages anywhere, but not publish; add
  and edit venues and groups; upload and choose images and documents; submit translations.
- Approvazione (approvers): the same, plus publish pages and delete venues and groups;
  they are the reviewers of the "Revisione e approvazione" workflow.
- Segreteria (triage staff): into the admin only, for now.

Permissions are fetched or created by (content type, codename): on a fresh database the
ones Django makes after `migrate` (add/change/delete of each model) do not exist yet.
Reversing removes the groups (and with them their permissions) and the workflow; the
permissions themselves belong to their apps and stay.

Assigning the workflow to pages is not done here (the pages may not exist yet): see
programme/workflow.py.
"""

from django.apps import apps as global_apps
from django.db import migrations

REDAZIONE = "Redazione"
APPROVAZIONE = "Approvazione"
SEGRETERIA = "Segreteria"
WORKFLOW_NAME = "Revisione e approvazione"
TASK_NAME = "Approvazione"

# (app_label, model, codename, name) — the name is only used when the row is created here.
ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
SUBMIT_TRANSLATION = (
    "wagtail_localize", "translation", "submit_translation", "Can submit translations",
)


def _model_perm(app_label, model, action, verbose_name=None):
    return (app_label, model, f"{action}_{model}", f"Can {action} {verbose_name or model}")


PAGE_PERMS = {
    REDAZIONE: ["add", "change"],
    APPROVAZIONE: ["add", "change", "publish"],
}
PAGE_PERM_NAMES = {"add": "Can add page", "change": "Can change page",
                   "publish": "Publish any page"}
SNIPPET_PERMS = {
    REDAZIONE: [
        _model_perm("programme", model, action)
        for model in ("venue", "group") for action in ("add", "change")
    ],
    APPROVAZIONE: [
        _model_perm("programme", model, action)
        for model in ("venue", "group") for action in ("add", "change", "delete")
    ],
}
COLLECTION_PERMS = [
    _model_perm(app_label, model, action)
    for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
    for action in ("add", "choose", "change")
]


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission = Permission.objects.filter(content_type=content_type, codename=codename).first()
    if permission is None:
        permission = Permission.objects.create(
            content_type=content_type, codename=codename, name=name
        )
    return permission


def create_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    groups = {name: Group.objects.get_or_create(name=name)[0]
              for name in (REDAZIONE, APPROVAZIONE, SEGRETERIA)}

    access_admin = _permission(apps, *ACCESS_ADMIN)
    for group in groups.values():
        group.permissions.add(access_admin)

    submit_translation = None
    if global_apps.is_installed("wagtail_localize"):
        submit_translation = Permission.objects.filter(
            content_type__app_label=SUBMIT_TRANSLATION[0], codename=SUBMIT_TRANSLATION[2]
        ).first()

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    collection_perms = [_permission(apps, *spec) for spec in COLLECTION_PERMS]

    for name in (REDAZIONE, APPROVAZIONE):
        group = groups[name]
        group.permissions.add(*[_permission(apps, *spec) for spec in SNIPPET_PERMS[name]])
        if submit_translation is not None:
            group.permissions.add(submit_translation)
        if root_page is not None:
            for action in PAGE_PERMS[name]:
                permission = _permission(
                    apps, "wagtailcore", "page", f"{action}_page", PAGE_PERM_NAMES[action]
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
        if root_collection is not None:
            for permission in collection_perms:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )

    # A Task subclass made through the historical model gets no automatic content type:
    # set it, or Wagtail would not find the specific task (and its approve action).
    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME, content_type=task_type, active=True
        )
    task.groups.add(groups[APPROVAZIONE])

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=task.pk, defaults={"sort_order": 0}
    )


def remove_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Task = apps.get_model("wagtailcore", "Task")

    # Cascades to WorkflowTask, WorkflowPage and the moderation history of this workflow
    # (WorkflowState): that is the price of reversing this migration.
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    task_ids = list(
        GroupApprovalTask.objects.filter(name=TASK_NAME).values_list("pk", flat=True)
    )
    Task.objects.filter(pk__in=task_ids, workflow_tasks__isnull=True).delete()
    # Cascades to the groups' page and collection permissions and memberships.
    Group.objects.filter(name__in=[REDAZIONE, APPROVAZIONE, SEGRETERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    if global_apps.is_installed("wagtail_localize"):
        dependencies.append(("wagtail_localize", "0006_create_submit_translation_permission"))

    operations = [
        migrations.RunPython(create_groups_and_workflow, remove_groups_and_workflow),
    ]
