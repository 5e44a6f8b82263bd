"""Admin screens whose records staff read but never edit through a generic form: status
changes and decisions go through views that call the domain functions."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy


class ReadOnlyPolicy(BasePermissionPolicy):
    """Only the "view" action, for the users `allowed(user)` accepts; `allowed_users` is the
    same rule as a filter on the user table (Wagtail asks for both)."""

    allowed = None  # callable(user) -> bool
    allowed_users = None  # callable() -> Q

    def user_has_permission(self, user, action):
        return action == "view" and type(self).allowed(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(type(self).allowed_users()).distinct()
