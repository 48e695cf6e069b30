"""Forms of the staff console. Field comments and override reasons are named after the field
path or rule id they belong to (`comment:<path>`, `override:<rule_id>`)."""

from __future__ import annotations

from django import forms

from compliance.models import MessageTemplate
from messaging.models import MessageType
from registrations.states import Status
from staff.selectors import QUEUE_STATUSES
from tenants.forms import BusinessProfileForm
from tenants.models import ProviderProfile, Tenant

# --- Registrations --------------------------------------------------------------------------

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


# --- Tenants and the provider ---------------------------------------------------------------


class ProviderProfileForm(BusinessProfileForm):
    """The same fields as a tenant's business profile, for the provider's own business."""

    class Meta(BusinessProfileForm.Meta):
        model = ProviderProfile


class TenantCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Tenant name")
    slug = forms.SlugField(
        max_length=50,
        required=False,
        label="Address",
        help_text="Used in URLs (/t/<address>/). Leave empty to derive it from the name.",
    )
    owner_email = forms.EmailField(
        label="First owner's e-mail", help_text="They get an invitation."
    )


class TenantStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Tenant.Status.choices)


# --- Message templates ----------------------------------------------------------------------


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("name", "use_case", "body", "is_active")
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class TemplatePolicyForm(forms.Form):
    templates_only = forms.BooleanField(required=False)


# --- Opt-outs -------------------------------------------------------------------------------


class StaffOptOutForm(forms.Form):
    phone = forms.CharField(label="Mobile number (E.164)", max_length=32)
    action = forms.ChoiceField(
        choices=[("opt_out", "Opt out"), ("opt_in", "Opt back in")], initial="opt_out"
    )
    kind = forms.ChoiceField(
        label="Messages",
        choices=[("", "Every kind"), *MessageType.choices],
        required=False,
    )
    reason = forms.CharField(
        label="What the recipient asked, and how",
        max_length=200,
        help_text="Kept in the consent log, e.g. “Called support on 3 Dec, asked to stop”.",
    )


class SenderThroughputForm(forms.Form):
    """The parts per second AWS raised a sender to; empty returns to AWS's default."""

    parts_per_second = forms.FloatField(
        required=False, min_value=0.01, max_value=1000, label="Parts per second"
    )
    reason = forms.CharField(max_length=200, label="Where AWS raised it")


class VettingScoreForm(forms.Form):
    """A 10DLC brand vetting's score, as AWS's console shows it, and where staff read it."""

    vetting_score = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Vetting score (0–100)",
        error_messages={"required": "Give the score from 0 to 100, as AWS's console shows it."},
    )
    source = forms.CharField(
        max_length=200,
        label="Where you read it",
        help_text="e.g. AWS console, registration page, 2026-12-05",
        error_messages={"required": "Say where you read the score."},
    )


class SupportIncreaseForm(forms.Form):
    """A limit increase requested as an AWS Support case."""

    kind = forms.ChoiceField(
        label="Increase",
        choices=[
            ("SPEND_LIMIT", "Monthly SMS spend limit (USD)"),
            ("MPS", "Messages per second"),
            ("QUOTA", "Another account quota"),
            ("PRODUCTION_ACCESS", "SMS production access (out of the SMS sandbox)"),
        ],
    )
    value = forms.CharField(
        label="New value",
        max_length=12,
        required=False,
        help_text="Not needed for production access (AWS's form takes 1).",
    )
    quota = forms.CharField(
        label="Quota (for another quota)",
        max_length=80,
        required=False,
        help_text="For example Pools, Configuration sets or Phone numbers.",
    )
    number = forms.CharField(
        label="Number (for messages per second)",
        max_length=20,
        required=False,
        help_text="The phone number (E.164) or short code whose throughput to raise.",
    )
    justification = forms.CharField(
        label="Use case and expected volume",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="AWS Support reads this: what is sent, to whom, how much, and why now.",
    )


class SupportCaseActionForm(forms.Form):
    """One action on a Support case page (which fields count depends on `action`)."""

    action = forms.ChoiceField(
        choices=[
            ("filed", "Record the filed case"),
            ("paste", "Paste AWS's reply"),
            ("answer", "Answer AWS Support"),
            ("share", "Show to the tenant"),
            ("unshare", "Hide from the tenant"),
            ("short_code", "Record the short code"),
            ("resolve", "Mark resolved"),
            ("reopen", "Reopen"),
        ]
    )
    aws_case_id = forms.CharField(label="Case ID", max_length=128, required=False)
    display_id = forms.CharField(
        label="Case number shown in the console", max_length=32, required=False
    )
    body = forms.CharField(
        label="Text", max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    shared = forms.BooleanField(label="Show it to the tenant", required=False)
    message = forms.IntegerField(required=False, widget=forms.HiddenInput)
    short_code = forms.CharField(label="Short code", max_length=8, required=False)


class VerifiedNumberAddForm(forms.Form):
    number = forms.CharField(
        max_length=20,
        label="Phone number",
        help_text="E.164, e.g. +12065550142. AWS texts it a code from an active number of its "
        "country.",
    )


class VerifiedNumberCodeForm(forms.Form):
    verified_number_id = forms.CharField(max_length=200, widget=forms.HiddenInput)
    code = forms.CharField(max_length=10, required=False, label="Code the phone received")


class AccountSettingsForm(forms.Form):
    tenants_bring_aws_accounts = forms.BooleanField(
        required=False, label="Tenant owners may connect their own AWS account"
    )


class GoLiveForm(forms.Form):
    destination = forms.CharField(
        max_length=20,
        required=False,
        label="Test destination",
        help_text="Empty: AWS's simulator number of the sender's country (US: +14254147755). "
        "Elsewhere, a verified destination number.",
    )
