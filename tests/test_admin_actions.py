"""programme.admin_actions.act_and_report: the one way admin POST views act and report."""

import pytest
from django import forms
from django.contrib.messages import ERROR, SUCCESS
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from programme.admin_actions import act_and_report


class ChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")],
                               error_messages={"required": "Choose one."})


def _request():
    request = RequestFactory().post("/admin/thing/1/act/")
    request._messages = CookieStorage(request)
    return request


def _reported(request):
    return [(message.level, str(message.message)) for message in request._messages]


def test_a_valid_form_runs_the_action_and_reports_success():
    request, done = _request(), []
    response = act_and_report(request, ChoiceForm({"choice": "a"}), done.append, "Done.",
                              "/admin/thing/1/")
    assert done == [{"choice": "a"}]
    assert _reported(request) == [(SUCCESS, "Done.")]
    assert response.status_code == 302 and response.url == "/admin/thing/1/"


def test_the_success_message_may_depend_on_what_was_chosen():
    request = _request()
    act_and_report(request, ChoiceForm({"choice": "b"}), lambda data: None,
                   lambda data: f"Chose {data['choice']}.", "/admin/thing/1/")
    assert _reported(request) == [(SUCCESS, "Chose b.")]


def test_an_invalid_form_reports_its_errors_and_does_not_act():
    request, done = _request(), []
    response = act_and_report(request, ChoiceForm({}), done.append, "Done.", "/admin/thing/1/")
    assert done == []
    assert _reported(request) == [(ERROR, "Choose one.")]
    assert response.status_code == 302


def test_each_message_of_a_refusal_is_reported_and_no_success():
    def refuse(data):
        raise ValidationError(["The group is full.", "The request was withdrawn."])

    request = _request()
    response = act_and_report(request, ChoiceForm({"choice": "a"}), refuse, "Done.",
                              "/admin/thing/1/")
    assert _reported(request) == [(ERROR, "The group is full."),
                                  (ERROR, "The request was withdrawn.")]
    assert response.status_code == 302 and response.url == "/admin/thing/1/"


def test_a_refusal_keyed_by_field_reports_its_messages_not_the_keys():
    def refuse(data):
        raise ValidationError({"group": "Choose a group with places left."})

    request = _request()
    act_and_report(request, ChoiceForm({"choice": "a"}), refuse, "Done.", "/admin/thing/1/")
    assert _reported(request) == [(ERROR, "Choose a group with places left.")]


def test_an_error_that_is_not_a_refusal_is_not_swallowed():
    def crash(data):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        act_and_report(_request(), ChoiceForm({"choice": "a"}), crash, "Done.", "/")
