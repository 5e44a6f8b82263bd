from django.db import migrations

WORKFLOW_NAME = "Revisione e approvazione"


def cover_the_whole_site(apps, schema_editor):
    """Every page goes through "Revisione e approvazione", not only the programme's
    sections: Wagtail's default "Moderators approval" is approved by Wagtail's Moderators
    group, which none of the City's groups belongs to, so a Redazione editor's change to
    any other page would wait for nobody."""
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    root = Page.objects.filter(depth=1).first()
    if workflow is None or root is None:
        return
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [("programme", "0005_translatable_signatories")]

    operations = [migrations.RunPython(cover_the_whole_site, migrations.RunPython.noop)]
