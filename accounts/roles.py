"""Who a staff member is, by the groups the editorial data migration creates."""

TRIAGE_GROUP = "Segreteria"


def is_triage_staff(user):
    """Staff who read contact messages and participation requests: the Segreteria group
    and superusers, nobody else."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_triage_staff", None)
    if cached is None:
        cached = user.groups.filter(name=TRIAGE_GROUP).exists()
        user._is_triage_staff = cached
    return cached


# Facilitators (issue 20): City staff who run groups; the group is made by the
# facilitation app's data migration, its members by the Segreteria.
FACILITATOR_GROUP = "Facilitatori"


def is_facilitator(user):
    """An active, signed-in member of FACILITATOR_GROUP (superusers are not, unless they
    are members: the area shows a facilitator's own groups)."""
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_is_facilitator", None)
    if cached is None:
        cached = user.groups.filter(name=FACILITATOR_GROUP).exists()
        user._is_facilitator = cached
    return cached
