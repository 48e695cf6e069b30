"""The catalog's own checks (registrations.schema: required fields, lengths, patterns, choices,
conditional rules) as preflight findings, so that one list says everything wrong with a draft.

The form's definitions come from AWS (DescribeRegistrationFieldDefinitions, synced into the
portal's catalog); a draft that names fields the form's other way (engine.ALIASES) is checked
under the form's names and its findings name the draft's own."""

from __future__ import annotations

from compliance.preflight import sources
from compliance.preflight.engine import WHOLE_SCHEME, Draft, Finding, _canonical

CATALOG_RULE = "CATALOG"


def catalog_findings(draft: Draft, schema) -> list[Finding]:
    """Errors of the draft against `schema` (a registrations.schema.TypeSchema). Fields the
    form does not define are left to the form (a draft may carry more than one naming)."""
    canonical, back = _canonical(draft)
    if draft.family in WHOLE_SCHEME and back:
        return []  # the draft follows another form (another naming of its fields and options)
    values: dict = {}
    for path, value in canonical.values.items():
        fdef = schema.field(path)
        if fdef is None:
            continue
        if fdef.type == "SELECT" and isinstance(value, str):
            value = [value] if value else []  # one choice given as text
        values[path] = value
    values.update(
        {p: f"attachment:{p}" for p in canonical.attachments if schema.field(p) is not None}
    )
    findings = []
    for path, problems in sorted(schema.validate(values, complete=True).items()):
        fdef = schema.field(path)
        findings.append(
            Finding(
                rule_id=CATALOG_RULE,
                severity="error",
                field_paths=(back.get(path, path),),
                message=f"{fdef.title if fdef else path}: {' '.join(problems)}",
                fix_hint=fdef.short_description if fdef and fdef.short_description else "",
                source=sources.CATALOG,
            )
        )
    return findings
