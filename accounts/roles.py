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
