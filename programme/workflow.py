"""The editorial workflow on the programme's sections.

The groups (Redazione, Approvazione, Segreteria), their permissions and the workflow
"Revisione e approvazione" are created by migration programme/0002_editorial_workflow.
Here the workflow is attached to pages: a WorkflowPage row covers the page and all its
descendants (news articles under the news index), so one row per section root is enough
— one per language, since each language's tree is apart.
"""

from wagtail.models import Page, Workflow, WorkflowPage

REDAZIONE = "Redazione"
APPROVAZIONE = "Approvazione"
SEGRETERIA = "Segreteria"
WORKFLOW_NAME = "Revisione e approvazione"


def moderation_workflow():
    """The workflow made by the migration, or None if it was removed or renamed."""
    return Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()


def assign_moderation_workflow(pages):
    """Put `pages` (and so their descendants) under the moderation workflow.

    Returns how many pages were assigned; 0 when the workflow does not exist. A page that
    already has a workflow of its own is moved to this one.
    """
    workflow = moderation_workflow()
    if workflow is None:
        return 0
    count = 0
    for page in pages:
        if page is None:
            continue
        WorkflowPage.objects.update_or_create(page_id=page.pk, defaults={"workflow": workflow})
        count += 1
    return count


def moderated_section_pages():
    """The programme, protocol and news index pages, in every language."""
    from programme.models.pages import NewsIndexPage, ProgrammePage, ProtocolPage

    return list(
        Page.objects.type(ProgrammePage, ProtocolPage, NewsIndexPage).order_by("path")
    )


def assign_moderation_workflow_to_sections():
    """What the demo loader calls once the translations exist."""
    return assign_moderation_workflow(moderated_section_pages())
