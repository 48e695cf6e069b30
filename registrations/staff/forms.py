"""Forms of the staff console. Field comments and override reasons are named after the field
path or rule id they belong to (`comment:<path>`, `override:<rule_id>`)."""

from __future__ import annotations

from django import forms

from registrations.staff.selectors import QUEUE_STATUSES
from registrations.states import Status

AGE_CHOICES = [("", "Any age"), ("1", "Waiting 1+ days"), ("3", "3+ days"), ("7", "7+ days")]


class QueueFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(
        required=False,
        choices=[(s.value, s.label) for s in QUEUE_STATUSES],
        initial=Status.IN_REVIEW,
    )
    type = forms.ChoiceField(required=False, label="Type")
    tenant = forms.SlugField(required=False)
    country = forms.ChoiceField(required=False)
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES)

    def __init__(self, data, *, types: list[str], countries: list[str]):
        super().__init__(data)
        self.fields["type"].choices = [("", "All types"), *[(t, t) for t in types]]
        self.fields["country"].choices = [("", "All countries"), *[(c, c) for c in countries]]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or Status.IN_REVIEW,
            "registration_type": data.get("type") or "",
            "tenant_slug": data.get("tenant") or "",
            "country": data.get("country") or "",
            "min_age_days": int(data["age"]) if data.get("age") else None,
            "search": data.get("q") or "",
        }


def prefixed(data, prefix: str) -> dict[str, str]:
    """`{suffix: value}` of the posted keys that start with `prefix`, blank values dropped."""
    return {
        key[len(prefix) :]: value.strip()
        for key, value in data.items()
        if key.startswith(prefix) and value.strip()
    }


class ReturnForm(forms.Form):
    message = forms.CharField(required=False, widget=forms.Textarea, max_length=4000)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500)
