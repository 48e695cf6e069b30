"""Forms of the tenant's sending pages: parsing only. Numbers are written as people write them
and normalised to E.164 (the country of the business profile for a number without +); the
services decide the rest, with the same messages as the API."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from messaging.api.serializers import WEBHOOK_EVENTS
from messaging.models import Message, MessageType
from portal import outbound_http
from tenants.forms import e164_or_error

IMPORT_MAX_BYTES = 512 * 1024
IMPORT_MAX_ROWS = 1000
# The longest date range a search covers (the list is paged; this keeps a query bounded).
DATE_RANGE_MAX_DAYS = 366
EVENT_LABELS = {
    "message.sent": "A message was sent to AWS",
    "message.delivered": "A message was delivered",
    "message.failed": "A message failed",
    "message.inbound": "A recipient texted in",
}


def phone_field(label: str = "Mobile number", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        required=required,
        help_text="With its country code, e.g. +1 206 555 0100; a number without one is read "
        "in your business profile's country.",
    )


def _e164(value: str, country: str) -> str:
    return e164_or_error(value.strip(), label="mobile number", country=country or "US")


class MessageSearchForm(forms.Form):
    """The message log's filters (`?to=&status=&since=&until=`), all optional."""

    to = phone_field("Recipient", required=False)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Message.Status.choices], required=False
    )
    since = forms.DateField(
        label="Since", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, country: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country = country

    def clean_to(self) -> str:
        value = self.cleaned_data["to"]
        return _e164(value, self.country) if value.strip() else ""

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date; swap them.")
        elif since and until and (until - since).days > DATE_RANGE_MAX_DAYS:
            self.add_error("until", f"Search at most {DATE_RANGE_MAX_DAYS} days at a time.")
        return data

    def filters(self) -> dict:
        """What `messaging.selectors.message_list` takes: whole days in the portal's zone."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        filters = {"to": data.get("to") or "", "status": data.get("status") or ""}
        if data.get("since"):
            filters["created_after"] = datetime.combine(data["since"], time.min, tzinfo=zone)
        if data.get("until"):
            end = data["until"] + timedelta(days=1)
            filters["created_before"] = datetime.combine(end, time.min, tzinfo=zone)
        return filters


def _kind_choices() -> list[tuple[str, str]]:
    kinds = [(value, f"{label} messages only") for value, label in MessageType.choices]
    return [("", "Every message"), *kinds]


class OptOutAddForm(forms.Form):
    phone = phone_field()
    message_type = forms.ChoiceField(
        label="Messages", choices=_kind_choices, required=False,
        help_text="Stopping one kind only is possible when your SMS program collects consent "
        "per kind.",
    )  # fmt: skip
    reason = forms.CharField(
        label="What the recipient asked, and how",
        max_length=200,
        help_text="Kept in the consent log, e.g. “Called on 3 Dec and asked to stop”.",
    )

    def __init__(self, *args, country: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country = country

    def clean_phone(self) -> str:
        return _e164(self.cleaned_data["phone"], self.country)


class OptOutRemoveForm(forms.Form):
    reason = forms.CharField(
        label="How the recipient opted back in",
        max_length=200,
        help_text="Kept in the consent log. Only a recipient's own request lifts an opt-out.",
    )


class OptOutSearchForm(forms.Form):
    q = forms.CharField(label="Number", max_length=32, required=False)

    def digits(self) -> str:
        value = self.cleaned_data.get("q", "") if self.is_valid() else ""
        return "".join(ch for ch in value if ch.isascii() and ch.isdigit())


class OptOutImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One number a line in the first column, or a column named “phone” (the "
        f"export's format); an optional “type” column. At most {IMPORT_MAX_ROWS} rows.",
    )
    reason = forms.CharField(
        label="Where these opt-outs come from",
        max_length=200,
        help_text="Kept in the consent log for every number, e.g. “opt-outs from our old "
        "SMS provider”.",
    )

    def __init__(self, *args, country: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country = country

    def clean_file(self) -> list[tuple[str, str]]:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("Save the file as CSV in UTF-8.") from exc
        try:
            lines = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
        except csv.Error as exc:
            raise ValidationError(f"This is not a readable CSV file ({exc}).") from exc
        if not lines:
            raise ValidationError("The file has no numbers.")
        header = [c.strip().lower() for c in lines[0]]
        phone_at, type_at = 0, None
        if "phone" in header:
            phone_at = header.index("phone")
            type_at = header.index("type") if "type" in header else None
            lines = lines[1:]
        if len(lines) > IMPORT_MAX_ROWS:
            raise ValidationError(f"The file has {len(lines)} rows; at most {IMPORT_MAX_ROWS}.")
        rows, problems = [], []
        first_line = 2 if "phone" in header else 1
        for number, row in enumerate(lines, start=first_line):
            cell = row[phone_at].strip() if phone_at < len(row) else ""
            has_kind = type_at is not None and type_at < len(row)
            kind = row[type_at].strip().upper() if has_kind else ""
            try:
                phone = _e164(cell, self.country)
                if not phone:
                    raise ValidationError("no number")
            except ValidationError:
                problems.append(f"line {number} (“{cell[:32]}”)")
                continue
            if kind and kind not in MessageType.values:
                problems.append(f"line {number} (type “{kind[:20]}”)")
                continue
            rows.append((phone, kind))
        if problems:
            shown = ", ".join(problems[:10]) + (" …" if len(problems) > 10 else "")
            raise ValidationError(
                f"Nothing was imported: {len(problems)} row{'s' if len(problems) > 1 else ''} "
                f"{'are' if len(problems) > 1 else 'is'} not a valid number or type: {shown}."
            )
        return rows


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Receiver URL",
        max_length=500,
        help_text="The https:// address of your receiver, reachable from the public internet.",
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=[(e, EVENT_LABELS.get(e, e)) for e in WEBHOOK_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to receive every event.",
    )
    active = forms.BooleanField(
        label="Deliver events to this address", required=False, initial=True
    )

    def clean_url(self) -> str:
        """The outbound policy, as the API checks it (resolving the host when it can); the
        check at delivery time is the one that counts."""
        value = self.cleaned_data["url"].strip()
        try:
            outbound_http.url_check(value)
        except outbound_http.OutboundRefused as exc:
            raise ValidationError(str(exc)) from exc
        return value
