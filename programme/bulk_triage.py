"""Several participation requests moved at once by the Segreteria: all or nothing.

Each request still goes through participation.change_status, so its history, the
assignment mail and the partner's closed-loop notice are the same as one by one; the
whole selection is one transaction, so one refusal leaves every request as it was.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .duplicates import possible_duplicates
from .models.groups import Group
from .models.participation import ParticipationRequest
from .participation import TRANSITIONS, change_status, requests_visible_to
from .seats import SEATED, count_seats_taken, seats_left

Status = ParticipationRequest.Status


def bulk_targets():
    """The statuses a selection may be moved to in one go, in the order of
    Status.choices: every status some request can reach, except "assigned" (assigning
    takes a group and a capacity check: `assign_requests`)."""
    reachable = set().union(*TRANSITIONS.values())
    return [status for status in Status if status in reachable and status != Status.ASSIGNED]


def _lock_selection(requests, by):
    pks = [r.pk for r in requests]
    rows = list(requests_visible_to(by).select_for_update().filter(pk__in=pks)
                .order_by("pk"))
    if len(rows) != len(set(pks)):
        raise ValidationError(
            _("Some of the selected requests are no longer there or not among those you "
              "may see: nothing was changed."))
    return rows


def _refuse_stuck(rows, new_status):
    stuck = [row.reference for row in rows
             if new_status not in TRANSITIONS.get(Status(row.status), set())]
    if stuck:
        raise ValidationError(
            _("These requests cannot become “%(status)s”: %(references)s. Nothing was "
              "changed.") % {"status": new_status.label, "references": ", ".join(stuck)})


def _refuse_duplicates(rows, group):
    """Two seats for one person: refuse a selection holding two requests that look like
    the same person, or a request whose look-alike already sits in `group`, until staff
    merge them or record that they are different people (programme.duplicates)."""
    pks = {row.pk for row in rows}
    pairs = []
    for row in rows:
        for other in possible_duplicates(row).filter(
                Q(pk__in=pks) | Q(group=group, status__in=SEATED)).only("reference", "pk"):
            if other.pk not in pks or row.pk < other.pk:
                pairs.append(f"{row.reference} – {other.reference}")
    if pairs:
        raise ValidationError(
            _("These requests may be the same person: %(pairs)s. Merge them or record that "
              "they are different people, then assign. Nothing was changed.")
            % {"pairs": "; ".join(pairs)})


def _apply(rows, new_status, *, by, note, group):
    for row in rows:
        try:
            change_status(row, new_status, by=by, note=note, group=group)
        except ValidationError as error:
            raise ValidationError(
                [_("%(reference)s: %(message)s Nothing was changed.")
                 % {"reference": row.reference, "message": message}
                 for message in error.messages]) from error
    return len(rows)


def change_requests(requests, new_status, *, by, note="", group=None):
    """Move every request of `requests` (ParticipationRequest objects) to `new_status`,
    by the staff member `by`, with the same `note` and `group` (the waiting list's
    group). Returns how many were changed.

    All or nothing: raises ValidationError (a message for staff) naming the references
    that cannot take `new_status` (TRANSITIONS), or the first refusal of
    change_status; then no request has changed.
    """
    new_status = Status(new_status)
    with transaction.atomic():
        rows = _lock_selection(requests, by)
        _refuse_stuck(rows, new_status)
        return _apply(rows, new_status, by=by, note=note, group=group)


def assign_requests(requests, group, *, by, note=""):
    """Assign every request of `requests` to `group`, by the staff member `by`. Returns
    how many were assigned.

    All or nothing, under the group's row lock: raises ValidationError (a message for
    staff) when a request cannot be assigned from its status (its references listed),
    when the Segreteria closed or paused the group, or when the group has fewer places
    left than requests selected ("places left: N, selected: M"), or when two of them, or
    one of them and someone already in the group, look like the same person; then
    nothing changed.
    """
    with transaction.atomic():
        rows = _lock_selection(requests, by)
        _refuse_stuck(rows, Status.ASSIGNED)
        locked = Group.objects.select_for_update().get(pk=group.pk)
        if locked.status != Group.Status.AUTOMATIC:
            raise ValidationError(
                _("The group “%(group)s” is not taking new participants (%(status)s): "
                  "choose another group or the waiting list.")
                % {"group": locked.name, "status": locked.get_status_display()})
        left = seats_left(locked.capacity, count_seats_taken(locked))
        if left < len(rows):
            raise ValidationError(
                _("The group “%(group)s” has not enough places for everyone: places "
                  "left: %(left)d, selected: %(selected)d. Nothing was changed.")
                % {"group": locked.name, "left": left, "selected": len(rows)})
        _refuse_duplicates(rows, locked)
        return _apply(rows, Status.ASSIGNED, by=by, note=note, group=locked)
