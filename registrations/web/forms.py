"""Forms generated from the catalog: one form per section, one field per definition.

TEXT is an input, or a textarea when it may be long; SELECT is radios (few options), a select
(many) or checkboxes (several may be chosen); ATTACHMENT is an upload. The definition's display
hints give the label, help and example. Django's own required checks are off: the schema's
validation (with its conditional rules) is the single source of truth, on the server.
"""

from __future__ import annotations

import json

from django import forms

from portal import upload_policy
from registrations import formats, overlay
from registrations.models import Registration
from registrations.schema import TEXT_API_MAX, FieldDef

TEXTAREA_FROM = 300  # longer limits get a textarea (except addresses: URLs, e-mails)
SINGLE_LINE = ("url", "link", "website", "email", "phone")
PROSE = ("description", "message", "sample", "details", "workflow", "overview")
RADIOS_UP_TO = 6  # more options than this get a select


def widget_kind(fdef: FieldDef) -> str:
    if fdef.type == "ATTACHMENT":
        return "file"
    if fdef.type == "SELECT":
        if fdef.max_choices > 1:
            return "checkboxes"
        return "radios" if len(fdef.options) <= RADIOS_UP_TO else "select"
    last = fdef.path.rsplit(".", 1)[-1].lower()
    title = (fdef.title or "").lower()
    if any(word in last for word in SINGLE_LINE):
        return "input"
    if fdef.min_length >= 40 or any(word in title for word in PROSE):
        return "textarea"  # a paragraph, whatever the path is called
    if fdef.max_length >= TEXT_API_MAX:  # no limit given: long only when it is prose
        return "textarea" if any(word in last for word in PROSE) else "input"
    return "textarea" if fdef.max_length >= TEXTAREA_FROM else "input"


def field_name(path: str) -> str:
    return path.replace(".", "__")


def field_path(name: str) -> str:
    return name.replace("__", ".")


def _help(fdef: FieldDef) -> str:
    own = overlay.field_help(fdef.path)
    if own:
        return own
    parts = [fdef.short_description]
    if fdef.long_description and fdef.long_description != fdef.short_description:
        parts.append(fdef.long_description)
    return overlay.help_plain(" ".join(p for p in parts if p))


def _data_attrs(fdef: FieldDef) -> dict:
    attrs = {"data-path": fdef.path, "data-kind": widget_kind(fdef)}
    if fdef.type == "TEXT":
        attrs["data-maxlength"] = str(fdef.max_length)
        if fdef.min_length:
            attrs["data-minlength"] = str(fdef.min_length)
        if formats.is_phone_field(fdef):
            # Written any common way; the server stores it in E.164 and shows it back.
            attrs.update({"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
            attrs["data-normalised"] = "phone"
        elif fdef.path.rsplit(".", 1)[-1] in formats.TAX_ID_NAMES:
            attrs["data-normalised"] = "compact"  # "12-3456789" is sent as 123456789
        elif fdef.pattern:
            attrs["data-pattern"] = fdef.pattern
        if fdef.example:
            attrs["placeholder"] = fdef.example[:120]
    if fdef.type == "SELECT":
        attrs["data-max-choices"] = str(fdef.max_choices)
    return attrs


def _choices(fdef: FieldDef) -> list[tuple[str, str]]:
    return [(o, overlay.option_title(fdef, o)) for o in fdef.options]


def form_field(fdef: FieldDef) -> forms.Field:
    kind = widget_kind(fdef)
    attrs = _data_attrs(fdef)
    common = {"label": fdef.title or fdef.path, "help_text": _help(fdef), "required": False}
    if kind == "file":
        return forms.FileField(
            widget=forms.ClearableFileInput(
                attrs={**attrs, "accept": upload_policy.REGISTRATION_ATTACHMENT.accept}
            ),
            **common,
        )
    if kind == "checkboxes":
        return forms.MultipleChoiceField(
            choices=_choices(fdef), widget=forms.CheckboxSelectMultiple(attrs=attrs), **common
        )
    if kind == "radios":
        return forms.ChoiceField(
            choices=_choices(fdef), widget=forms.RadioSelect(attrs=attrs), **common
        )
    if kind == "select":
        return forms.ChoiceField(
            choices=[("", "Choose…"), *_choices(fdef)],
            widget=forms.Select(attrs=attrs),
            **common,
        )
    widget = (
        forms.Textarea(attrs={**attrs, "rows": 4})
        if kind == "textarea"
        else forms.TextInput(attrs=attrs)
    )
    # No maxlength attribute: a pasted long text must reach the server, whose message says
    # by how much it is over; the counter warns before.
    return forms.CharField(widget=widget, strip=False, **common)


class SectionForm(forms.Form):
    """The fields of one section. `values` are the version's current values by path."""

    def __init__(self, *args, fields: list[FieldDef], values: dict, **kwargs):
        initial = {}
        for fdef in fields:
            value = values.get(fdef.path)
            if value in (None, "", []) or fdef.type == "ATTACHMENT":
                continue
            if fdef.type == "SELECT" and fdef.max_choices <= 1:
                value = value[0] if isinstance(value, list) else value
            initial[field_name(fdef.path)] = value
        super().__init__(*args, initial=initial, **kwargs)
        self.defs = {field_name(f.path): f for f in fields}
        for name, fdef in self.defs.items():
            self.fields[name] = form_field(fdef)
            if fdef.conditional:
                self.fields[name].widget.attrs["data-conditional"] = json.dumps(fdef.conditional)
            self.fields[name].widget.attrs["data-requirement"] = fdef.requirement
            # The help and the (possibly empty, live) error list describe the input.
            described = [f"id_{name}_error"]
            if self.fields[name].help_text:
                described.insert(0, f"id_{name}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def posted_values(self) -> dict:
        """The submitted values by field path, as the schema holds them (str or list).
        Attachments are handled apart."""
        values = {}
        for name, fdef in self.defs.items():
            if fdef.type == "ATTACHMENT":
                continue
            if fdef.type == "SELECT":
                raw = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                values[fdef.path] = [v for v in raw if v]
            else:
                values[fdef.path] = (self.data.get(name) or "").replace("\r\n", "\n").strip()
        return values

    def uploads(self) -> dict:
        return {
            fdef.path: self.files[name]
            for name, fdef in self.defs.items()
            if fdef.type == "ATTACHMENT" and name in self.files
        }

    def add_path_errors(self, errors: dict[str, list[str]]) -> None:
        for path, problems in errors.items():
            name = field_name(path)
            self.add_error(name if name in self.fields else None, problems)
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class StartForm(forms.Form):
    """What the tenant wants to do, and whose program it is."""

    GOALS = [
        ("toll_free", "Send to US numbers from a toll-free number"),
        ("ten_dlc", "Send to US numbers from a local (10DLC) number"),
        ("short_code", "Send to US numbers from a short code"),
        ("sender_id", "Send from an alphanumeric name (sender ID) in other countries"),
    ]
    PROGRAMS = [
        ("own", "Our own brand: recipients know us and opted in with us"),
        ("provider", "The provider's program: recipients opt in through the provider's app"),
    ]
    goal = forms.ChoiceField(choices=GOALS, widget=forms.RadioSelect, label="What do you want?")
    program = forms.ChoiceField(
        choices=PROGRAMS, widget=forms.RadioSelect, label="Whose program is it?", initial="own"
    )
    # A provider-branded program is allowed only when all three hold (carriers want the business
    # whose customers receive the messages; see docs/guide.md, "Whose program").
    confirm_optin = forms.BooleanField(
        required=False, label="The provider collects every recipient's opt-in, not us."
    )
    confirm_content = forms.BooleanField(
        required=False, label="The provider writes every message; we do not write any."
    )
    confirm_sender = forms.BooleanField(
        required=False, label="Every message clearly comes from the provider, under its name."
    )
    sender_id_types = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple, label="Countries"
    )
    vetting = forms.BooleanField(
        required=False,
        label="Also request brand vetting ($40; may raise 10DLC throughput)",
    )
    name = forms.CharField(
        max_length=80,
        required=False,
        label="A name for this registration",
        help_text="Only for you, e.g. “Order alerts”.",
    )

    def __init__(self, *args, country_types: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_id_types"].choices = country_types

    def clean(self):
        data = super().clean()
        if data.get("goal") == "sender_id" and not data.get("sender_id_types"):
            self.add_error("sender_id_types", "Choose at least one country.")
        confirmed = all(data.get(c) for c in ("confirm_optin", "confirm_content", "confirm_sender"))
        if data.get("program") == "provider" and not confirmed:
            self.add_error(
                "program",
                "The provider's program can be registered only when the provider collects the "
                "opt-in, writes every message and the messages clearly come from the provider. "
                "Confirm all three, or register your own brand.",
            )
        return data

    @property
    def program_owner(self) -> str:
        if self.cleaned_data.get("program") == "provider":
            return Registration.ProgramOwner.PROVIDER
        return Registration.ProgramOwner.TENANT


class AwsAccountConnectForm(forms.Form):
    role_arn = forms.CharField(
        max_length=2048,
        label="Role ARN",
        help_text="arn:aws:iam::<account>:role/<name>, a role in the tenant's account that trusts "
        "the provider's account with this external id.",
    )
    external_id = forms.CharField(
        max_length=1224,
        label="External id",
        help_text="The value the role's trust policy requires (sts:ExternalId).",
    )
    region = forms.CharField(
        max_length=32, required=False, help_text="Empty: the portal's AWS_REGION."
    )
    registration_topic_arn = forms.CharField(
        max_length=256,
        required=False,
        label="Registration events topic",
        help_text="The SNS topic in that account that receives its registration status events "
        "(an EventBridge rule's target); the portal subscribes its registration hook to it.",
    )
    events_topic_arn = forms.CharField(
        max_length=256,
        required=False,
        label="Delivery events topic",
        help_text="An SNS topic in that account for SMS delivery events and inbound messages "
        "(its policy lets sms-voice.amazonaws.com publish); the tenant's configuration set "
        "sends its events there and the portal subscribes its delivery hook to it.",
    )


class SenderRequestForm(forms.Form):
    """A sender for a country that needs no registration (services/sender_requests.py)."""

    kind = forms.ChoiceField(
        choices=[("SENDER_ID", "A sender ID (your name)"), ("LONG_CODE", "A long code (a number)")],
        initial="SENDER_ID",
        label="What",
    )
    country = forms.ChoiceField(label="Country")
    sender_id = forms.CharField(
        max_length=11,
        required=False,
        label="Sender ID",
        help_text="3–11 letters, digits or dashes, one letter at least; your brand, not OTP.",
    )

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Choose…"), *countries]
