"""Writes for the provider's message template library and the per-tenant restriction."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from compliance.models import MessageTemplate, TenantTemplatePolicy
from tenants.models import Tenant, User
from tenants.services import audit_record

TEMPLATE_FIELDS = ("name", "use_case", "body", "is_active")


def _require_reviewer(actor: User) -> None:
    if not actor.can_act_as_staff:
        raise PermissionDenied("Only provider staff with the reviewer role can do this.")


def _validate_body(body: str) -> None:
    if re.search(r"\{\{?\s*\w+\s*\}\}?|<\w+>|%s", body):
        raise ValidationError({"body": "Write placeholders in [brackets], e.g. [FirstName]."})
    if body.count("[") != body.count("]"):
        raise ValidationError({"body": "A [placeholder] is not closed."})


@transaction.atomic
def message_template_save(
    *, actor: User, data: dict, template: MessageTemplate | None = None
) -> MessageTemplate:
    _require_reviewer(actor)
    unknown = set(data) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown template fields: {', '.join(sorted(unknown))}.")
    template = template or MessageTemplate(created_by=actor)
    before = {k: getattr(template, k) for k in TEMPLATE_FIELDS} if template.pk else {}
    for key, value in data.items():
        setattr(template, key, value)
    _validate_body(template.body)
    template.full_clean()
    template.save()
    audit_record(
        tenant=None,
        actor=actor,
        action="message_template.save",
        obj=template,
        before=before,
        after={k: getattr(template, k) for k in TEMPLATE_FIELDS},
    )
    return template


@transaction.atomic
def template_policy_set(
    *, tenant: Tenant, actor: User, templates_only: bool
) -> TenantTemplatePolicy:
    _require_reviewer(actor)
    policy, _ = TenantTemplatePolicy.objects.select_for_update().get_or_create(tenant=tenant)
    before = policy.templates_only
    policy.templates_only = templates_only
    policy.updated_by = actor
    policy.save()
    if before != templates_only:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="template_policy.set",
            obj=policy,
            before={"templates_only": before},
            after={"templates_only": templates_only},
        )
    return policy
