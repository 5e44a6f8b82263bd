"""Sign-up answers a known email and a new one alike: the same page, the same work.

allauth's enumeration prevention (ACCOUNT_PREVENT_ENUMERATION, on by default) already
shows both the "verify your email" page and mails the owner of a known address instead
of creating a second account. Its timing told them apart (issue 12: ~80 ms for a known
email, ~1,150 ms for a new one): a new account's password is hashed with PBKDF2
(Django's 1,000,000 iterations, most of the request), a known email's was never hashed.
Here the known path hashes the submitted password once too, as Django's ModelBackend does
for an unknown user at sign-in; both paths queue one mail (AccountAdapter.send_mail).
What is left between them is the two rows a new account inserts
(benchmarks/signup_timing.py measures it).
"""

from django.contrib.auth.hashers import make_password

from .forms import SignupForm as CleanedSignupForm


def hash_as_for_a_new_account(password):
    """Spend on `password` (str, or None) what saving a new account spends: one hash with
    the first of PASSWORD_HASHERS. The hash is thrown away; returns nothing."""
    make_password(password)


class SameWorkSignupMixin:
    """For a subclass of allauth's SignupForm: an email that already has an account costs
    the password hash a new account costs."""

    def try_save(self, request):
        if self.account_already_exists:
            hash_as_for_a_new_account(self.cleaned_data.get("password1"))
        return super().try_save(request)


class SignupForm(SameWorkSignupMixin, CleanedSignupForm):
    """The sign-up form (settings.ACCOUNT_FORMS["signup"]): accounts.forms.SignupForm, as
    slow for a known email as for a new one."""
