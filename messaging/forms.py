"""The sending policy page's form: parsing only; the model (through the service) decides what is
allowed, so that the page and the API refuse the same values with the same messages."""

from __future__ import annotations

import re

from django import forms

from messaging.models import country_codes_normalize

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class SendingPolicyForm(forms.Form):
    allowed_countries = forms.CharField(
        label="Sending countries",
        required=False,
        max_length=1000,
        help_text="ISO country codes separated by commas, e.g. “US, CA”. Leave empty to allow "
        "every country where you have an active sender.",
    )
    monthly_spend_cap = forms.DecimalField(
        label="Monthly spend cap (USD)",
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        help_text="Messages that would take this month's estimated spend over the cap are "
        "refused. Leave empty for no cap.",
    )
    quiet_start_hour = forms.TypedChoiceField(
        label="Quiet hours start", choices=HOURS, coerce=int, initial=21
    )
    quiet_end_hour = forms.TypedChoiceField(
        label="Quiet hours end", choices=HOURS, coerce=int, initial=8
    )

    def clean_allowed_countries(self) -> list[str]:
        return country_codes_normalize(re.split(r"[\s,;]+", self.cleaned_data["allowed_countries"]))

    @classmethod
    def for_policy(cls, policy) -> SendingPolicyForm:
        return cls(
            initial={
                "allowed_countries": ", ".join(policy.allowed_countries),
                "monthly_spend_cap": policy.monthly_spend_cap,
                "quiet_start_hour": policy.quiet_start_hour,
                "quiet_end_hour": policy.quiet_end_hour,
            }
        )
