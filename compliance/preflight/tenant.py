"""Building a Draft from a tenant: brand names from the business profile and SMS program, and
the URLs of the tenant's published hosted pages."""

from __future__ import annotations

from compliance.preflight.engine import AttachmentInfo, Draft


def draft_for_tenant(
    *,
    tenant,
    registration_type: str,
    values: dict[str, str | list[str]],
    attachments: dict[str, AttachmentInfo] | None = None,
    extra_brand_names: tuple[str, ...] = (),
) -> Draft:
    from compliance.selectors import hosted_page_urls, published_kinds
    from tenants.selectors import business_profile_get

    profile = business_profile_get(tenant=tenant)
    names = [profile.legal_name, profile.dba_name, *extra_brand_names]
    program = getattr(tenant, "sms_program", None) if tenant.pk else None
    if program is not None:
        names.append(program.program_name)
    published = published_kinds(tenant=tenant)
    urls = {k: v for k, v in hosted_page_urls(tenant=tenant).items() if k in published}
    return Draft(
        registration_type=registration_type,
        values=values,
        tenant=tenant,
        attachments=attachments or {},
        brand_names=tuple(n for n in names if n),
        hosted_urls=urls,
        tenant_slug=tenant.slug,
    )
