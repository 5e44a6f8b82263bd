"""Bootstrap Italia form fields with their label, help and errors tied to the input."""

from django import template

register = template.Library()

TEXT_LIKE = {"text", "email", "tel", "number", "textarea", "password", "url", "date"}


@register.inclusion_tag("forms/field.html")
def render_field(field):
    widget_type = field.widget_type
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if widget_type in TEXT_LIKE:
        attrs["class"] = "form-control" + (" is-invalid" if field.errors else "")
    elif widget_type == "select":
        attrs["class"] = "form-select" + (" is-invalid" if field.errors else "")
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
