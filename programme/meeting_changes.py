"""A facilitator's changes to one meeting of a group: cancelled, or moved to another
date or time (issue 20). STUB: signatures agreed between helpers; the programme helper
fills it in.

Unlike an editor's cancelled dates (part of the group's revisions, published through
the workflow), these take effect at once: the public page, the feeds and the open data
stop showing a cancelled meeting and show a moved one at its new time.
"""


def cancel_meeting(group, day, start, *, by):
    """Cancel `group`'s meeting on `day` (a date) at `start` (a time, local).

    `group` is the canonical group. Raises ValidationError (localized) when the group does
    not meet then or the meeting is past. Returns the stored change."""
    raise NotImplementedError


def move_meeting(group, day, start, *, new_day, new_start, new_end, by):
    """Move `group`'s meeting of `day` at `start` to `new_day` from `new_start` to
    `new_end` (local times). Raises ValidationError (localized) for a meeting that does
    not exist, a past one, or a new time that ends before it starts. Returns the stored
    change."""
    raise NotImplementedError
