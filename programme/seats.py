"""A group's seats and the status the public reads from them.

A group holds `capacity` seats; a participation request that is assigned to it or
attending takes one. The public status follows the seats (open while one is free, full
when none is) unless the Segreteria set the group's status by hand (closed or paused).
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from .models.group_statuses import GroupStatus, PublicStatus
from .models.participation import ParticipationRequest

Status = ParticipationRequest.Status
# Statuses that hold a seat in a group.
SEATED = {Status.ASSIGNED, Status.ATTENDING}


def public_status(setting, capacity, taken):
    """What citizens read about a group.

    `setting` is the group's status as staff set it (Group.Status), `capacity` and
    `taken` counts of seats. Returns a Group.PublicStatus: the setting wins when staff
    closed or paused the group; otherwise the seats decide.
    """
    if setting == GroupStatus.PAUSED:
        return PublicStatus.PAUSED
    if setting == GroupStatus.CLOSED:
        return PublicStatus.CLOSED
    return PublicStatus.OPEN if taken < capacity else PublicStatus.FULL


def seats_left(capacity, taken):
    """Free seats, never below zero (a capacity lowered under the people seated)."""
    return max(capacity - taken, 0)


def check_capacity(capacity, taken):
    """Refuse a `capacity` below the `taken` seats (both ints): the people in the group
    would be left without one. Raises ValidationError on the "capacity" field, with the
    count ("Nel gruppo ci sono già 11 persone: …"); a capacity equal to it is a full group.
    """
    if capacity is not None and capacity < taken:
        raise ValidationError({"capacity": ValidationError(ngettext(
            "There is already %(count)d person in the group: the capacity cannot be lower.",
            "There are already %(count)d people in the group: the capacity cannot be lower.",
            taken) % {"count": taken}, code="below_seats_taken")})


def with_seats(queryset):
    """`queryset` of groups, each annotated with `seats_taken` (one query for all).

    A subquery per group row, not a join: the database counts the seats of the groups
    it returns (a page of 20) from the (group, status) index, at most a group's capacity
    each, instead of grouping every request of every group (68 ms with 20,000 requests
    and 300 groups, for a page of 20; issue 16)."""
    seated = (ParticipationRequest.objects.filter(group=OuterRef("pk"), status__in=SEATED)
              .order_by().values("group").annotate(count=Count("pk")).values("count"))
    return queryset.annotate(seats_taken=Coalesce(
        Subquery(seated, output_field=IntegerField()), Value(0)))


def count_seats_taken(group):
    """Seats taken in `group` now (a query: for one group, e.g. under a row lock).

    Requests point at the original (Italian) row; a translation counts the same seats.
    """
    return ParticipationRequest.objects.filter(
        group__translation_key=group.translation_key, status__in=SEATED).count()


def group_choice_label(group):
    """The triage screen's label of a group: "Gruppo del giovedì — 3 posti liberi".

    `group` must carry `seats_taken` (with_seats).
    """
    status = group.public_status
    if status == PublicStatus.OPEN:
        left = group.seats_left
        detail = ngettext("%(count)d place left", "%(count)d places left", left) % {
            "count": left}
    else:
        detail = str(status.label).lower()
    return f"{group.name} — {detail}"



def set_group_status(group, status):
    """The Segreteria sets `group`'s status (a Group.Status value) on the original and
    every translation at once (the status is synchronised, never translated).

    Raises ValidationError for a value that is not a Group.Status.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if status not in GroupStatus.values:
        raise ValidationError(_("Choose one of the statuses offered."))
    # The original and its translations share the translation key.
    group.get_translations(inclusive=True).update(status=status)
    public_pages_changed()


def public_pages_changed():
    """Seats or a status changed: the cached public pages (pagecache) show them anew.
    An update() or a request's status sends no snippet signal, so the callers say so."""
    from pagecache.invalidation import bump_pages

    bump_pages()
