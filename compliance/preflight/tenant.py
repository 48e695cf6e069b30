"""Building a Draft from a tenant: brand names from the business profile and SMS program, the
URLs of the tenant's published hosted pages, and the provider's own identity (names and domains
from the provider profile, plus the portal's host that serves the hosted pages)."""

from __future__ import annotations

from django.conf import settings

from compliance.preflight.engine import AttachmentInfo, Draft
from compliance.preflight.text import email_domain, host_of
from compliance.selectors import hosted_page_urls, published_kinds
from tenants.selectors import business_profile_get, provider_profile_get


def provider_identity(profile=None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, domains) of the provider: its legal and trade names, the hosts of its website and
    e-mail addresses, and the host of the portal (the hosted pages' base)."""

    profile = profile if profile is not None else provider_profile_get()
    names = tuple(dict.fromkeys(n.strip() for n in (profile.legal_name, profile.dba_name) if n))
    hosts = [host_of(profile.website) if profile.website else ""]
    hosts += [email_domain(e) for e in (profile.support_email, profile.contact_email) if e]
    hosts.append(host_of(settings.PORTAL_BASE_URL))
    return names, tuple(dict.fromkeys(h for h in hosts if h))


def draft_for_tenant(
    *,
    tenant,
    registration_type: str,
    values: dict[str, str | list[str]],
    attachments: dict[str, AttachmentInfo] | None = None,
    extra_brand_names: tuple[str, ...] = (),
    provider_program: bool = False,
) -> Draft:
    """`provider_program`: the provider runs this program as itself (it collects the opt-in,
    writes every message and sends as itself), so its identity is the brand, not a mistake."""

    provider_names, provider_domains = provider_identity(provider_profile_get())
    if provider_program:
        names = [*provider_names, *extra_brand_names]
        provider_names, provider_domains = (), ()
    else:
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
        provider_names=provider_names,
        provider_domains=provider_domains,
    )
