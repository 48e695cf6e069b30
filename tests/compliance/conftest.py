"""Fixtures of the compliance tests: a tenant A with a complete profile, an SMS program and
its published pages; helpers to fill in the opt-in form like a person would."""

from __future__ import annotations

import pytest

from compliance import services
from compliance.models import HostedPageVersion, PageKind
from tenants.models import BusinessProfile

PROFILE = {
    "legal_name": "Acme Anvils Inc.",
    "dba_name": "Acme Anvils",
    "website": "https://www.acme-anvils.example",
    "support_email": "help@acme-anvils.example",
    "support_phone": "+12065550100",
}
PROGRAM = {
    "program_name": "Acme Order Alerts",
    "description": "order confirmations and delivery updates",
    "message_frequency": "Up to 4 messages per order",
    "sending_number": "+1 833 555 0100",
    "use_cases": [{"label": "order updates"}, {"label": "delivery notices"}],
    "alternative_channel": "You can also follow your order by e-mail.",
    "embed_origins": ["https://shop.partner.example"],
}


@pytest.fixture(autouse=True)
def _compliance_settings(settings, tmp_path):
    settings.PORTAL_BASE_URL = "https://portal.example"
    settings.COMPLIANCE_OPTIN_MIN_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLIANCE_CONFIRMATION_SENDER = ""


@pytest.fixture
def profile_a(tenant_a) -> BusinessProfile:
    BusinessProfile.objects.filter(tenant=tenant_a).update(**PROFILE)
    tenant_a.refresh_from_db()
    return tenant_a.profile


@pytest.fixture
def program_a(tenant_a, profile_a, owen):
    return services.sms_program_save(tenant=tenant_a, actor=owen, data=dict(PROGRAM))


def publish_default(tenant, actor, kind) -> HostedPageVersion:
    body, _ = services.hosted_page_draft(tenant=tenant, kind=kind)
    return services.hosted_page_publish(tenant=tenant, actor=actor, kind=kind, body_html=body)


@pytest.fixture
def published_a(tenant_a, program_a, owen) -> dict[str, HostedPageVersion]:
    return {
        kind: publish_default(tenant_a, owen, kind)
        for kind in (PageKind.TERMS, PageKind.PRIVACY, PageKind.OPT_IN)
    }


def optin_post_data(client, url: str, **overrides) -> dict:
    """GETs the form (for its token) and returns what a person would submit."""
    import re

    html = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    data = {
        "phone": "(206) 555-0123",
        "use_cases": ["order_updates"],
        "website": "",
        "token": token,
    }
    data.update(overrides)
    return data
