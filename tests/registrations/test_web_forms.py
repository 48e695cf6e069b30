"""Forms generated from the catalog: every type's every field gets the widget its definition
asks for, with the definition's label, help and limits; the wizard pages render for every type."""

from __future__ import annotations

import pytest
from django import forms

from registrations import formats, overlay
from registrations.models import RegistrationTypeDef
from registrations.schema import TypeSchema
from registrations.web.forms import SectionForm, field_name, widget_kind
from registrations.web.selectors import section_list

pytestmark = pytest.mark.django_db


def _expected_widget(fdef):
    if fdef.type == "ATTACHMENT":
        return forms.ClearableFileInput
    if fdef.type == "SELECT":
        if fdef.max_choices > 1:
            return forms.CheckboxSelectMultiple
        return forms.RadioSelect if len(fdef.options) <= 6 else forms.Select
    last = fdef.path.rsplit(".", 1)[-1].lower()
    if any(w in last for w in ("url", "link", "website", "email", "phone")):
        return forms.TextInput
    prose_titles = ("description", "message", "sample", "details", "workflow", "overview")
    if fdef.min_length >= 40 or any(w in (fdef.title or "").lower() for w in prose_titles):
        return forms.Textarea  # a paragraph, whatever its path is called
    if fdef.max_length >= 2048:
        prose = ("description", "message", "sample", "details", "workflow", "overview")
        return forms.Textarea if any(w in last for w in prose) else forms.TextInput
    return forms.Textarea if fdef.max_length >= 300 else forms.TextInput


def test_every_type_in_the_catalog_gets_a_form_for_every_field(catalog):
    typedefs = list(RegistrationTypeDef.objects.filter(catalog=catalog))
    assert len(typedefs) >= 9
    kinds_seen = set()
    for typedef in typedefs:
        schema = TypeSchema.from_typedef(typedef)
        sections = section_list(schema)
        # Every field is in exactly one step.
        assert sorted(f.path for s in sections for f in s["fields"]) == sorted(
            f.path for f in schema.fields
        ), typedef.registration_type
        for section in sections:
            form = SectionForm(fields=section["fields"], values={})
            assert list(form.fields) == [field_name(f.path) for f in section["fields"]]
            for fdef in section["fields"]:
                bound = form.fields[field_name(fdef.path)]
                kinds_seen.add(widget_kind(fdef))
                assert type(bound.widget) is _expected_widget(fdef), fdef.path
                assert bound.label == (fdef.title or fdef.path)
                assert bound.required is False  # the schema decides, with its conditions
                if overlay.field_help(fdef.path):
                    assert bound.help_text == overlay.field_help(fdef.path)
                elif fdef.short_description:
                    assert overlay.help_plain(fdef.short_description) in bound.help_text
                assert "Despite the path name" not in bound.help_text
                assert "console doc" not in bound.help_text
                if fdef.type == "TEXT":
                    assert bound.widget.attrs["data-maxlength"] == str(fdef.max_length)
                    # Phones and tax IDs are rewritten by the server (registrations/formats.py),
                    # so the browser does not refuse "(206) 555-0100" or "12-3456789".
                    rewritten = formats.is_phone_field(fdef) or fdef.path.endswith(
                        (".taxId", ".companyId")
                    )
                    expected = "" if rewritten else fdef.pattern
                    assert bound.widget.attrs.get("data-pattern", "") == expected
                if fdef.type == "SELECT":
                    choices = [c for c, _ in bound.choices if c]
                    assert choices == list(fdef.options)
                if fdef.conditional:
                    assert "data-conditional" in bound.widget.attrs
    assert kinds_seen == {"input", "textarea", "radios", "select", "checkboxes", "file"}


def test_values_come_back_as_the_schema_holds_them(catalog):
    typedef = RegistrationTypeDef.objects.get(
        catalog=catalog, registration_type="US_TOLL_FREE_REGISTRATION"
    )
    schema = TypeSchema.from_typedef(typedef)
    section = next(s for s in section_list(schema) if s["path"] == "messagingUseCase")
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("messagingUseCase__useCaseCategory", ["ACCOUNT_NOTIFICATIONS"])
    data["messagingUseCase__useCaseDetails"] = "  Alerts\r\nfor customers  "
    form = SectionForm(data, fields=section["fields"], values={})
    values = form.posted_values()
    assert values["messagingUseCase.useCaseCategory"] == ["ACCOUNT_NOTIFICATIONS"]
    assert values["messagingUseCase.useCaseDetails"] == "Alerts\nfor customers"
    assert values["messagingUseCase.optInType"] == []
    assert "messagingUseCase.optInImage" not in values
