from __future__ import annotations

import pycountry
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from portal.phones import PhoneFormatError, phone_e164
from tenants.models import BusinessProfile, Role, User

COUNTRY_CHOICES = [("", "Choose a country")] + sorted(
    ((c.alpha_2, c.name) for c in pycountry.countries), key=lambda item: item[1]
)
STOCK_EXCHANGES = [
    "NASDAQ",
    "NYSE",
    "AMEX",
    "AMX",
    "ASX",
    "B3",
    "BME",
    "BSE",
    "FRA",
    "ICEX",
    "JPX",
    "JSE",
    "KRX",
    "LON",
    "NSE",
    "OMX",
    "SEHK",
    "SGX",
    "SSE",
    "STO",
    "SWX",
    "SZSE",
    "TSX",
    "TWSE",
    "VSE",
    "OTHER",
]


def e164_or_error(value: str, *, label: str, country: str = "") -> str:
    """The number in E.164 form (+14155550123), or a ValidationError that says how to write it."""
    if not value:
        return value
    try:
        return phone_e164(value, country=country or "US", label=label)
    except PhoneFormatError as exc:
        raise ValidationError(str(exc)) from exc


class BusinessProfileForm(forms.ModelForm):
    country = forms.ChoiceField(choices=COUNTRY_CHOICES, required=False)
    tax_id_country = forms.ChoiceField(
        label="Tax ID issuing country", choices=COUNTRY_CHOICES, required=False
    )
    stock_exchange = forms.ChoiceField(
        choices=[("", "—")] + [(x, x) for x in STOCK_EXCHANGES], required=False
    )

    class Meta:
        model = BusinessProfile
        fields = (
            "legal_name",
            "dba_name",
            "business_type",
            "vertical",
            "tax_id",
            "tax_id_type",
            "tax_id_country",
            "stock_symbol",
            "stock_exchange",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "country",
            "website",
            "support_email",
            "support_phone",
            "contact_first_name",
            "contact_last_name",
            "contact_title",
            "contact_email",
            "contact_phone",
        )
        help_texts = {
            "legal_name": "Exactly as registered with your tax authority (the IRS for a US EIN).",
            "dba_name": "The name your customers know you by; it must appear in every message.",
            "website": "A working public site that shows the same business, with https.",
            "support_email": "Preferably on your website's domain; carriers compare the two.",
            "support_phone": "With country code, for example +1 206 555 0100.",
            "tax_id": "For a US company, the 9-digit EIN. Not needed for a sole proprietor.",
        }

    def clean_support_phone(self) -> str:
        return e164_or_error(
            self.cleaned_data["support_phone"],
            label="support phone",
            country=self.data.get("country", ""),
        )

    def clean_contact_phone(self) -> str:
        return e164_or_error(
            self.cleaned_data["contact_phone"],
            label="contact phone",
            country=self.data.get("country", ""),
        )

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        if website and not website.startswith("https://"):
            raise ValidationError("Use an https:// address; carriers reject sites without TLS.")
        return website

    def clean(self) -> dict:
        data = super().clean()
        business_type = data.get("business_type")
        if business_type and business_type != BusinessProfile.BusinessType.SOLE_PROPRIETOR:
            for name, message in (
                ("tax_id", "Enter the tax ID; only a sole proprietor may leave it empty."),
                ("tax_id_type", "Choose what kind of tax ID this is."),
                ("tax_id_country", "Choose the country that issued the tax ID."),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        if business_type == BusinessProfile.BusinessType.PUBLIC_PROFIT:
            if not data.get("stock_symbol"):
                self.add_error("stock_symbol", "A publicly traded company needs its stock symbol.")
            if not data.get("stock_exchange"):
                self.add_error("stock_exchange", "Choose the exchange the stock trades on.")
        tax_id = (data.get("tax_id") or "").strip()
        if tax_id and data.get("tax_id_type") == BusinessProfile.TaxIdType.EIN:
            digits = tax_id.replace("-", "")
            if not (digits.isdigit() and len(digits) == 9):
                self.add_error("tax_id", "A US EIN has 9 digits, written 12-3456789.")
            else:
                data["tax_id"] = f"{digits[:2]}-{digits[2:]}"
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, allowed_roles: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in allowed_roles]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    """For a person without an account: name and password; the e-mail comes from the invitation."""

    full_name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data
