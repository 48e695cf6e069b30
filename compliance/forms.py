"""Forms of the compliance pages: parse and validate input; services do the writing."""

from __future__ import annotations

from django import forms

from compliance.models import SmsProgram


class SmsProgramForm(forms.ModelForm):
    use_cases_text = forms.CharField(
        label="Kinds of messages (one per line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each line gets its own unchecked consent box, e.g. “appointment reminders”.",
    )
    embed_origins_text = forms.CharField(
        label="Sites that may embed the sign-up widget",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One https origin per line, e.g. https://www.example.com. Your website is "
        "always allowed.",
    )

    class Meta:
        model = SmsProgram
        fields = (
            "program_name",
            "description",
            "message_frequency",
            "category",
            "monthly_volume",
            "sending_number",
            "alternative_channel",
            "kind_opt_outs",
        )
        labels = {"kind_opt_outs": "Recipients may stop promotional messages only"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["use_cases_text"].initial = "\n".join(
                u["label"] for u in self.instance.use_cases
            )
            self.fields["embed_origins_text"].initial = "\n".join(self.instance.embed_origins)

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["use_cases"] = [
            {"label": line.strip()}
            for line in self.cleaned_data["use_cases_text"].splitlines()
            if line.strip()
        ]
        data["embed_origins"] = [
            line.strip()
            for line in self.cleaned_data["embed_origins_text"].splitlines()
            if line.strip()
        ]
        return data


class PageForm(forms.Form):
    body_html = forms.CharField(
        label="Page text (HTML)",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text="Paragraphs, headings, lists and links are kept; anything else is removed. "
        "The required clauses must stay.",
    )


class OptInForm(forms.Form):
    phone = forms.CharField(
        label="Mobile number",
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    use_cases = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Honeypot: hidden from people, tempting to scripts.
    website = forms.CharField(required=False, label="Leave this empty")
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, use_cases: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["use_cases"].choices = [(u["key"], u["label"]) for u in use_cases]


PROMOTIONAL = "PROMOTIONAL"  # AWS's MessageType for marketing


class OptOutForm(forms.Form):
    phone = forms.CharField(
        label="Mobile number",
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    # Offered only where the tenant collects consent per kind of message.
    kind = forms.ChoiceField(
        choices=[("", "All text messages"), (PROMOTIONAL, "Promotional messages only")],
        required=False,
    )
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, kinds: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def clean_kind(self) -> str:
        kind = self.cleaned_data.get("kind") or ""
        if kind and not self.kinds:
            raise forms.ValidationError(
                "This sender does not offer stopping one kind of message: leave the choice out "
                "to stop all text messages."
            )
        return kind
