"""Each group's waiting list, and the seats it is offered when they free.

A request on the waiting list keeps the group it waits for (`group`) and the moment it
joined the list (`waiting_since`, set by participation._move). The list is served in
that order, then by the request's number, so two people put on it in the same second
keep one order.

A freed seat is *offered*, never taken silently: whenever a group the Segreteria left on
"automatic" has free seats and people waiting, the first of them (as many as there are
free seats) are offered a seat. The offer is not stored but read from the seats and the
list, so every way a seat frees — a person withdrawn, completed, moved, unreachable, not
eligible, corrected or merged, the capacity raised, the group reopened — offers it, and
an offer ends by itself when the seat is taken or the person leaves the list. Staff see
the offers on "Gruppi e posti" and the dashboard, phone or mail the person, and press
"Assegna" (`accept_offer`); the person then gets the assignment mail
(programme.assignment). The daily digest counts the offers pending.
"""

from collections import namedtuple

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models.groups import Group
from .models.participation import ParticipationRequest
from .seats import SEATED, seats_left

Status = ParticipationRequest.Status
WAITING_ORDER = ("waiting_since", "pk")

# One seat offered: `group` (canonical, with `seats_taken` and `waiting_count`), the
# request offered it (`participation`) and its place on the list (1 = first).
SeatOffer = namedtuple("SeatOffer", ["group", "participation", "position"])


def waiting_list(group):
    """The requests waiting for `group` (any of its translations), first in line first."""
    return (ParticipationRequest.objects
            .filter(status=Status.WAITING_LIST, group__translation_key=group.translation_key)
            .order_by(*WAITING_ORDER))


def waiting_without_group():
    """Waiting-list entries with no group: put on the list before it kept the group
    (staff give them one with "Correggi lo stato")."""
    return ParticipationRequest.objects.filter(status=Status.WAITING_LIST, group=None)


def with_waiting_counts(queryset):
    """`queryset` of groups, each annotated with `seats_taken` and `waiting_count`
    (one query for all)."""
    return queryset.annotate(
        seats_taken=Count("participants", filter=Q(participants__status__in=SEATED),
                          distinct=True),
        waiting_count=Count("participants",
                            filter=Q(participants__status=Status.WAITING_LIST),
                            distinct=True),
    )


def waiting_position(participation):
    """Where `participation` stands on its group's waiting list: (position, total), both
    counted from 1 — (2, 5) reads "2 of 5" —, or None when it is not on a list.
    One query."""
    if participation.status != Status.WAITING_LIST or participation.group_id is None:
        return None
    since = participation.waiting_since
    ahead = Q(waiting_since__lt=since) | Q(waiting_since=since, pk__lt=participation.pk)
    if since is None:  # never set (an entry older than the field): last in line
        ahead = Q(waiting_since__isnull=False) | Q(pk__lt=participation.pk)
    counts = ParticipationRequest.objects.filter(
        status=Status.WAITING_LIST, group_id=participation.group_id,
    ).aggregate(total=Count("pk"), ahead=Count("pk", filter=ahead))
    return counts["ahead"] + 1, counts["total"]


def days_waited(waiting_since, today=None):
    """Whole days (Milan's calendar) from joining the list to `today` (default today):
    0 on the day itself. None when `waiting_since` is None."""
    if waiting_since is None:
        return None
    today = today or timezone.localdate()
    return (today - timezone.localdate(waiting_since)).days


def offered_seats(group):
    """How many of `group`'s people waiting are offered a seat now: its free seats when
    the Segreteria left it on automatic, none when it is closed or paused. `group`
    must carry `seats_taken` and `waiting_count` (with_waiting_counts)."""
    if group.status != Group.Status.AUTOMATIC:
        return 0
    return min(seats_left(group.capacity, group.seats_taken), group.waiting_count)


def seat_offers(groups=None):
    """Every seat offered now, as SeatOffers ordered by group name, then place in line.

    `groups`: canonical groups annotated by with_waiting_counts (default: all of them).
    Two queries, whatever the number of groups and people.
    """
    if groups is None:
        groups = with_waiting_counts(Group.objects.canonical()).order_by("name")
    offering = {group.pk: group for group in groups if offered_seats(group)}
    if not offering:
        return []
    offers = []
    waiting = (ParticipationRequest.objects
               .filter(status=Status.WAITING_LIST, group_id__in=offering)
               .order_by("group_id", *WAITING_ORDER))
    positions = {}
    for participation in waiting:
        group = offering[participation.group_id]
        position = positions.get(group.pk, 0) + 1
        positions[group.pk] = position
        if position <= offered_seats(group):
            offers.append(SeatOffer(group, participation, position))
    offers.sort(key=lambda offer: (offer.group.name, offer.position))
    return offers


def accept_offer(participation, *, by):
    """Assign the person offered a seat to the group they wait for (the seat is taken
    under the group's row lock, participation.change_status), after staff confirmed it
    with them. The person gets the assignment mail.

    Raises ValidationError with a message for staff when the request is no longer on a
    waiting list, someone is before it in line for the last free seats, or the group
    has no free seat any more.
    """
    from .participation import change_status

    participation.refresh_from_db()
    if participation.status != Status.WAITING_LIST or participation.group_id is None:
        raise ValidationError(
            _("%(reference)s is no longer on a waiting list: nothing to assign.")
            % {"reference": participation.reference})
    group = with_waiting_counts(Group.objects.filter(pk=participation.group_id)).get()
    position, _total = waiting_position(participation)
    if position > offered_seats(group):
        raise ValidationError(
            _("No free seat in “%(group)s” is offered to %(reference)s now: the people "
              "before them on the waiting list come first.")
            % {"group": group.name, "reference": participation.reference})
    return change_status(participation, Status.ASSIGNED, by=by, group=group)
