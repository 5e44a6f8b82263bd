"""Possible duplicates among participation requests, and merging them.

The same person sometimes asks twice (the public form, then a phone call; a partner's
referral, then the form) and two seats were taken for one person. Two requests are
*possible duplicates* when both are still open (OPEN: not merged, withdrawn, found not
eligible or completed — a closed request can no longer take a seat or a call) and they
share

- the email address, whatever the case;
- the phone number (stored in international format, typed_text/phones.py: the same
  number in any spelling is the same string);
- or the name: first and last name, in either order, ignoring case, spaces, apostrophes,
  hyphens and the accents of Italian names (`name_key`; on SQLite the case of ASCII
  letters only),

unless staff recorded that they are two different people (`not_duplicates`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .models.participation import ParticipationRequest, StatusChange, name_key
from .participation import _move, requests_visible_to
from .seats import SEATED

Status = ParticipationRequest.Status
# A seat in a group, or a place in line for one.
HOLDS_A_PLACE = {*SEATED, Status.WAITING_LIST}

# Requests that can no longer take a seat or a call: never flagged, never matched.
CLOSED = {Status.MERGED, Status.WITHDRAWN, Status.NOT_ELIGIBLE, Status.COMPLETED}
OPEN = [status for status in Status.values if status not in CLOSED]

# What a merge copies from the duplicate when the kept request lacks it.
CONTACT_FIELDS = ("email", "phone")


def _same_person(email_key, phone, first_key, last_key):
    """Q for rows matching a request whose keys (ParticipationRequest.email_key, phone,
    first_key, last_key) are the expressions given: OuterRef for the list's annotation,
    Value for one request. Each alternative is an index lookup."""
    same_email = Q(email_key=email_key) & ~Q(email_key="")
    same_phone = Q(phone=phone) & ~Q(phone="")
    same_name = ((Q(first_key=first_key) & Q(last_key=last_key))
                 | (Q(first_key=last_key) & Q(last_key=first_key)))
    return same_email | same_phone | same_name


def _candidates():
    return ParticipationRequest.objects.filter(status__in=OPEN)


def with_duplicate_flag(queryset):
    """`queryset` of requests, each annotated with `possible_duplicate` (bool): another
    open request looks like the same person (module docstring). One query for all."""
    others = (_candidates()
              .filter(_same_person(OuterRef("email_key"), OuterRef("phone"),
                                   OuterRef("first_key"), OuterRef("last_key")))
              .exclude(pk=OuterRef("pk"))
              .exclude(pk__in=ParticipationRequest.not_duplicates.through.objects
                       .filter(from_participationrequest=OuterRef(OuterRef("pk")))
                       .values("to_participationrequest")))
    return queryset.annotate(possible_duplicate=ExpressionWrapper(
        Q(status__in=OPEN) & Exists(others), output_field=BooleanField()))


def possible_duplicates(request_obj):
    """The open requests that look like the same person as `request_obj` (a
    ParticipationRequest), oldest first; none when `request_obj` itself is closed."""
    if request_obj.status in CLOSED:
        return ParticipationRequest.objects.none()
    match = _same_person(Lower(Value(request_obj.email)), Value(request_obj.phone),
                         name_key(Value(request_obj.first_name)),
                         name_key(Value(request_obj.last_name)))
    return (_candidates().filter(match).exclude(pk=request_obj.pk)
            .exclude(pk__in=request_obj.not_duplicates.values("pk"))
            .order_by("created_at", "pk"))


def matching_reasons(request_obj, other):
    """What `other` shares with `request_obj`, as staff read it: ["same email", …]."""
    reasons = []
    if request_obj.email and request_obj.email.lower() == other.email.lower():
        reasons.append(_("same email"))
    if request_obj.phone and request_obj.phone == other.phone:
        reasons.append(_("same phone"))
    if not reasons:
        reasons.append(_("same name"))
    return reasons


def _visible(user, *requests):
    visible = set(requests_visible_to(user).filter(pk__in=[r.pk for r in requests])
                  .values_list("pk", flat=True))
    return all(r.pk in visible for r in requests)


def merge_requests(keep, duplicate, *, by):
    """The same person asked twice: `duplicate` is merged into `keep` (both
    ParticipationRequest), by the staff member `by`.

    In one transaction, both rows locked: `duplicate` becomes MERGED with
    `merged_into=keep` and gives up its place (seat or waiting-list entry), which
    passes to `keep` when `keep` holds none; its history stays, and
    both histories say who merged what (a note on each). The email and phone `keep`
    lacks are copied from `duplicate`. Returns the names of the fields copied (a tuple,
    possibly empty).

    Raises ValidationError (a message for staff) for a request merged into itself,
    either request already merged, or a request `by` may not see (a partner's referral
    outside their triage).
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A request cannot be merged into itself."))
    with transaction.atomic():
        locked = {row.pk: row for row in ParticipationRequest.objects.select_for_update()
                  .filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")}
        kept, merged = locked.get(keep.pk), locked.get(duplicate.pk)
        if kept is None or merged is None or not _visible(by, kept, merged):
            raise ValidationError(
                _("You cannot merge these requests: one of them is not among those you "
                  "may see."))
        for row in (kept, merged):
            if row.status == Status.MERGED:
                raise ValidationError(
                    _("The request %(reference)s was already merged into another one: "
                      "open that one instead.") % {"reference": row.reference})
        copied = tuple(name for name in CONTACT_FIELDS
                       if not getattr(kept, name) and getattr(merged, name))
        for name in copied:
            setattr(kept, name, getattr(merged, name))
        if copied:
            kept.save(update_fields=[*copied, "updated_at"])
        merged.merged_into = kept
        merged.save(update_fields=["merged_into"])
        labels = ", ".join(str(ParticipationRequest._meta.get_field(name).verbose_name)
                           for name in copied)
        # The person keeps their place: a seat or a waiting-list entry the duplicate held
        # passes to the kept request when it holds none (no seat is freed, no one else
        # is offered it, no second mail).
        place = ((merged.status, merged.group, merged.waiting_since)
                 if merged.status in HOLDS_A_PLACE and kept.status not in HOLDS_A_PLACE
                 else None)
        _move(merged, Status.MERGED, by=by, group=None, is_correction=False,
              note=_("Same person: merged into %(reference)s.")
              % {"reference": kept.reference})
        note = _("%(reference)s merged into this request (same person).") % {
            "reference": merged.reference}
        if copied:
            note += " " + _("Copied from it: %(fields)s.") % {"fields": labels}
        previous = kept.status
        if place is not None:
            kept.status, kept.group, kept.waiting_since = place
            kept.save(update_fields=["status", "group", "waiting_since", "updated_at"])
            note += " " + _("Its place passes to this request: %(status)s, group "
                            "“%(group)s”.") % {"status": kept.get_status_display(),
                                                "group": kept.group}
        StatusChange.objects.create(request=kept, from_status=previous,
                                    to_status=kept.status, group=kept.group, note=note,
                                    changed_by=by)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    return copied


def mark_not_duplicates(request_obj, other, *, by):
    """Staff checked: `request_obj` and `other` are two different people. They are no
    longer flagged as possible duplicates of each other; both histories say who checked.

    Raises ValidationError for the same request twice or one `by` may not see."""
    if request_obj.pk == other.pk:
        raise ValidationError(_("Choose another request than this one."))
    if not _visible(by, request_obj, other):
        raise ValidationError(
            _("You cannot mark these requests: one of them is not among those you may "
              "see."))
    with transaction.atomic():
        # Locked, so that the same answer sent twice (Back, then the button again)
        # is recorded once: the second finds the first.
        list(ParticipationRequest.objects.select_for_update()
             .filter(pk__in=[request_obj.pk, other.pk]).order_by("pk"))
        if request_obj.not_duplicates.filter(pk=other.pk).exists():
            raise ValidationError(
                _("Already recorded: %(reference)s is not the same person.")
                % {"reference": other.reference})
        request_obj.not_duplicates.add(other)
        for row, seen in ((request_obj, other), (other, request_obj)):
            StatusChange.objects.create(
                request=row, from_status=row.status, to_status=row.status,
                group=row.group, changed_by=by,
                note=_("Checked: not the same person as %(reference)s.")
                % {"reference": seen.reference})
