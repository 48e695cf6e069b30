"""10DLC throughput from the vetting score (issue 19). AWS's API returns no vetting score:
staff record the one AWS's console shows on the complete brand vetting; the score gives the
10DLC class of AWS's Table 1; a 10DLC number's campaign qualifies for the class of its brand's
vetting only when it was created after the vetting completed (scores are not applied
retroactively). Dispatch keeps AWS's default (1 MPS) until staff record a raised limit."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from messaging.checks import parts_per_second
from registrations.models import Registration, Sender
from registrations.states import Status
from registrations.throughput import (
    BASIC,
    HIGH,
    MEDIUM_HIGH,
    MEDIUM_LOW,
    qualification,
    ten_dlc_class,
)
from tenants.models import AuditEntry
from tests.compliance.htmlparse import read
from tests.conftest import client_for
from tests.registrations.test_engine import _draft, _submit_and_approve
from tests.registrations.test_ten_dlc_order import (
    CAMPAIGN,
    VETTING,
    _complete_at_aws,
    _complete_brand,
    _complete_campaign,
)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, BASIC),
        (1, MEDIUM_LOW),
        (49, MEDIUM_LOW),
        (50, MEDIUM_HIGH),
        (74, MEDIUM_HIGH),
        (75, HIGH),
        (100, HIGH),
    ],
)
def test_score_maps_to_the_class_of_aws_table(score, expected):
    assert ten_dlc_class(score) == expected


def test_the_classes_are_aws_figures():
    figures = [(c.name, c.att_mps, c.tmobile_daily) for c in (HIGH, MEDIUM_HIGH, MEDIUM_LOW, BASIC)]
    assert figures == [
        ("High", 75.0, 200_000),
        ("Medium-High", 40.0, 40_000),
        ("Medium-Low", 4.0, 10_000),
        ("Basic", 0.2, 2_000),
    ]


@pytest.mark.parametrize("score", [-1, 101, 50.5, "50", None, True])
def test_scores_outside_0_to_100_are_refused(score):
    with pytest.raises(ValueError):
        ten_dlc_class(score)


def _part(page: str, pattern: str) -> str:
    """The HTML of one element (by a regular expression with one group) of a page."""
    found = re.search(pattern, page, re.S)
    assert found, pattern
    return found.group(1)


def _record_url(registration) -> str:
    return f"/staff/registrations/{registration.pk}/vetting-score/"


def _complete_vetting(tenant, alice, sam, sandbox, capture, brand) -> Registration:
    vetting = _draft(tenant, alice, VETTING, {}, depends_on=brand)
    vetting = _submit_and_approve(vetting, tenant, alice, sam, capture)
    vetting = _complete_at_aws(vetting, sandbox, capture)
    assert vetting.status == Status.COMPLETE
    return vetting


@pytest.mark.django_db
def test_score_recorded_on_the_staff_page_gives_campaigns_created_after_it_their_class(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    brand = _complete_brand(tenant_a, alice, sam, sandbox, capture)
    # A campaign created before the vetting: the score is not applied to it retroactively.
    early = _complete_campaign(tenant_a, alice, sam, sandbox, capture, brand)
    vetting = _complete_vetting(tenant_a, alice, sam, sandbox, capture, brand)
    early_number = Sender.objects.get(registration=early)
    assert qualification(early_number).reason.startswith("The brand's vetting is complete but")

    staff = client_for(sam)
    page = staff.get(f"/staff/registrations/{vetting.pk}/")
    assert page.status_code == 200
    assert 'data-vetting-score=""' in page.content.decode()
    response = staff.post(
        _record_url(vetting), {"vetting_score": "80", "source": "AWS console, 2026-12-05"}
    )
    assert response.status_code == 302
    vetting.refresh_from_db()
    assert (vetting.vetting_score, vetting.vetting_score_source) == (80, "AWS console, 2026-12-05")
    entry = AuditEntry.objects.get(action="registration.vetting_score")
    assert entry.actor == sam
    assert entry.after == {"score": 80, "source": "AWS console, 2026-12-05", "class": "High"}
    page = staff.get(f"/staff/registrations/{vetting.pk}/").content.decode()
    assert 'data-vetting-score="80"' in page
    assert 'data-ten-dlc-class="High">High<' in page

    late = _complete_campaign(tenant_a, alice, sam, sandbox, capture, brand)
    late_number = Sender.objects.get(registration=late)
    assert late_number.number_type == "TEN_DLC"

    early_q, late_q = qualification(early_number), qualification(late_number)
    assert early_q.ten_dlc_class == BASIC
    assert early_q.reason.startswith("Vetting not applied retroactively")
    assert late_q.ten_dlc_class == HIGH
    assert late_q.vetting == vetting

    # The staff sender page: the current rate (AWS's default, dispatch unchanged), the class,
    # and the MPS increase request prefilled with it.
    page = staff.get(f"/staff/tenants/{tenant_a.slug}/senders/{late_number.pk}/")
    section = _part(page.content.decode(), r'<section class="card" id="throughput"(.*?)</section>')
    assert 'data-throughput="1"' in section
    assert 'data-qualifies="High"' in section
    link = urlsplit(html.unescape(_part(section, r'<a href="([^"]+)" data-request="MPS"')))
    query = parse_qs(link.query)
    assert query["kind"] == ["MPS"]
    assert query["number"] == [late_number.value]
    assert query["value"] == ["75"]
    assert "qualifies for the High class" in query["justification"][0]
    form = staff.get(f"{link.path}?{link.query}").content.decode()
    inputs = {i.get("name"): i.get("value") for i in read(form).inputs}
    assert inputs["value"] == "75"
    assert inputs["number"] == late_number.value
    justification = _part(form, r'<textarea name="justification"[^>]*>(.*?)</textarea>')
    assert "qualifies for the High class" in html.unescape(justification)

    page = staff.get(f"/staff/tenants/{tenant_a.slug}/senders/{early_number.pk}/")
    section = _part(page.content.decode(), r'<section class="card" id="throughput"(.*?)</section>')
    assert 'data-qualifies="Basic"' in section
    assert "not applied retroactively" in read(section).text
    assert "value=" not in _part(section, r'<a href="([^"]+)" data-request="MPS"')

    # The tenant's Senders page, next to the current throughput.
    page = client_for(alice).get(f"/t/{tenant_a.slug}/senders/").content.decode()
    late_row = _part(page, rf'<tr data-sender="{re.escape(late_number.value)}">(.*?)</tr>')
    early_row = _part(page, rf'<tr data-sender="{re.escape(early_number.value)}">(.*?)</tr>')
    assert 'data-qualifies="High"' in late_row
    assert "1 message part per second" in read(late_row).text
    assert "75 MPS at AT&T" in read(late_row).text
    assert 'data-qualifies="Basic"' in early_row
    assert "not applied retroactively" in read(early_row).text

    # The rate dispatch uses stays AWS's default until AWS raises it after the Support case.
    assert parts_per_second(late_number) == 1.0


@pytest.mark.django_db
def test_recording_is_refused_for_tenants_viewers_other_types_and_bad_input(
    catalog, sandbox, tenant_a, alice, sam, vic, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    brand = _complete_brand(tenant_a, alice, sam, sandbox, capture)
    pending_vetting = _draft(tenant_a, alice, VETTING, {}, depends_on=brand)
    good = {"vetting_score": "60", "source": "AWS console"}

    # A tenant member is not staff (the staff console does not exist for them); a viewer
    # may look but not act.
    assert client_for(alice).post(_record_url(pending_vetting), good).status_code == 404
    assert client_for(vic).post(_record_url(pending_vetting), good).status_code == 403
    staff = client_for(sam)
    assert staff.get(_record_url(pending_vetting)).status_code == 405

    # Not a vetting, or a vetting not complete yet.
    response = staff.post(_record_url(brand), good)
    assert response.status_code == 400
    assert "only on a 10DLC brand vetting" in response.content.decode()
    response = staff.post(_record_url(pending_vetting), good)
    assert response.status_code == 400
    assert "once the vetting is complete" in response.content.decode()

    vetting = _complete_vetting(tenant_a, alice, sam, sandbox, capture, brand)
    bad_inputs = [
        ({"vetting_score": "-1", "source": "x"}, "greater than or equal to 0"),
        ({"vetting_score": "101", "source": "x"}, "less than or equal to 100"),
        ({"vetting_score": "high", "source": "x"}, "Enter a whole number"),
        ({"vetting_score": "", "source": "x"}, "Give the score from 0 to 100"),
        ({"vetting_score": "60", "source": "  "}, "Say where you read the score"),
        ({"vetting_score": "60", "source": "x" * 201}, "at most 200 characters"),
    ]
    for data, text in bad_inputs:
        response = staff.post(_record_url(vetting), data)
        assert response.status_code == 400, data
        assert text in response.content.decode(), data
    for registration in (brand, pending_vetting, vetting):
        registration.refresh_from_db()
        assert registration.vetting_score is None
        assert registration.vetting_score_source == ""
    assert not AuditEntry.objects.filter(action="registration.vetting_score").exists()

    assert staff.post(_record_url(vetting), good).status_code == 302
    vetting.refresh_from_db()
    assert vetting.vetting_score == 60
    assert Registration.objects.filter(registration_type=CAMPAIGN).count() == 0
