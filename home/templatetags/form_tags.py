"""Bootstrap Italia form fields with their label, help and errors tied to the input."""

from django import template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()

TEXT_LIKE = {"text", "email", "tel", "number", "textarea", "password", "url", "date"}


def widget_kind(field):
    """Django's `widget_type` ("select", "radioselect", "email"…), by the nearest of
    Django's own widget classes: a site's Select subclass (VenueSelect) is a "select",
    not a "venueselect" the templates would render as a plain input's box."""
    from django import forms

    for widget_class in type(field.field.widget).__mro__:
        if widget_class.__module__ == forms.widgets.__name__:
            return widget_class.__name__.lower().removesuffix("widget").removesuffix("input")
    return field.widget_type


@register.inclusion_tag("forms/field.html")
def render_field(field):
    widget_type = widget_kind(field)
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    invalid = bool(field.errors) or field.name in fields_faulted_by_form(field.form)
    if invalid:
        attrs["aria-invalid"] = "true"
    if widget_type in TEXT_LIKE:
        attrs["class"] = "form-control" + (" is-invalid" if invalid else "")
    elif widget_type == "select":
        attrs["class"] = "form-select" + (" is-invalid" if invalid else "")
    elif widget_type == "checkbox":
        attrs["class"] = "form-check-input"
    if field.field.required and widget_type not in {"checkboxselectmultiple", "radioselect"}:
        attrs["required"] = True
    return {
        "field": field,
        "widget_type": widget_type,
        "widget": field.as_widget(attrs=attrs) if widget_type not in {
            "radioselect", "checkboxselectmultiple"} else None,
        "is_group": widget_type in {"radioselect", "checkboxselectmultiple"},
        "error_id": f"{field.auto_id}_errors",
        "help_id": f"{field.auto_id}_helptext",
    }


def _form_error_targets(form):
    """{error code: (field name, …)}: the fields a form-wide error is about, declared by
    the form as ``error_fields`` (e.g. no contact at all is about email and phone)."""
    return getattr(form, "error_fields", None) or {}


def fields_faulted_by_form(form):
    """Names of the fields a form-wide error is about, so they are marked invalid too."""
    if form is None or not form.is_bound or not form.errors:
        return set()
    targets = _form_error_targets(form)
    names = set()
    for error in form.errors.as_data().get(NON_FIELD_ERRORS, []):
        names.update(name for name in targets.get(error.code, ()) if name in form.fields)
    return names


def _anchor(field):
    # Radios and checkbox groups have no element with the field's own id: link the first.
    if widget_kind(field) in {"radioselect", "checkboxselectmultiple"} and field.subwidgets:
        return field.subwidgets[0].id_for_label
    return field.auto_id


def _summary_label(label):
    # A label that is a sentence ("…about the groups.") or a question ("How…?") reads
    # badly before ": message"; the summary drops its closing punctuation.
    return str(label).rstrip().rstrip(".:;?!…").rstrip()


@register.simple_tag
def error_summary(form):
    """What the error summary lists, in the form's field order (the order of the page).

    Returns ``{"general": [message, …], "items": [{"id", "label", "message"}, …]}``:
    form-wide errors about no field stay general; one about fields (``error_fields``)
    becomes an item linking to its first field, placed where that field is.
    """
    general, items = [], []
    if not form.errors:
        return {"general": general, "items": items}
    targets = _form_error_targets(form)
    by_field = {}
    for error in form.errors.as_data().get(NON_FIELD_ERRORS, []):
        names = [name for name in targets.get(error.code, ()) if name in form.fields]
        message = " ".join(str(m) for m in error)
        if names:
            by_field.setdefault(names[0], []).append(message)
        else:
            general.append(message)
    for field in form:
        messages = list(by_field.get(field.name, []))
        if field.errors:
            messages.append(field.errors[0])
        for message in messages:
            items.append({"id": _anchor(field), "label": _summary_label(field.label),
                          "message": message})
    return {"general": general, "items": items}
