"""The registration engine end to end against the sandbox over HTTP."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from registrations.models import FieldComment, Registration, Sender, StatusEvent
from registrations.selectors import version_values
from registrations.services import drafts, review, tracking
from registrations.services.provisioning import registration_provision
from registrations.states import Status
from tenants.models import BusinessProfile
from tests.sandbox.forms import BRAND_GOOD, CAMPAIGN_GOOD, PNG, TFN_GOOD

pytestmark = pytest.mark.django_db

TFN = "US_TOLL_FREE_REGISTRATION"


def _profile(tenant):
    BusinessProfile.objects.filter(tenant=tenant).update(
        legal_name="Example Corp",
        dba_name="Example",
        business_type="PRIVATE_PROFIT",
        tax_id="12-3456789",
        tax_id_type="EIN",
        tax_id_country="US",
        address_line1="1 Main Street",
        city="Seattle",
        state="WA",
        postal_code="98101",
        country="US",
        website="https://www.example.com",
        support_email="ada@example.com",
        support_phone="+12065550199",
        contact_first_name="Ada",
        contact_last_name="Lovelace",
        contact_email="ada@example.com",
        vertical="TECHNOLOGY",
    )


def _draft(tenant, actor, registration_type=TFN, values=None, depends_on=None):
    registration = drafts.registration_create(
        tenant=tenant,
        actor=actor,
        registration_type=registration_type,
        name="Alerts",
        depends_on=depends_on,
    )
    current = version_values(registration.current_version)
    todo = {k: v for k, v in (values or {}).items() if current.get(k) != v}
    if todo:
        drafts.registration_values_save(
            tenant=tenant, actor=actor, registration=registration, values=todo
        )
    return registration


def _tfn_ready(tenant, actor):
    registration = _draft(tenant, actor, values=TFN_GOOD)
    drafts.registration_attachment_add(
        tenant=tenant,
        actor=actor,
        registration=registration,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("optin.png", PNG, content_type="image/png"),
    )
    return registration


def _submit_and_approve(registration, tenant, actor, staff, capture):
    review.registration_submit_for_review(tenant=tenant, actor=actor, registration=registration)
    with capture(execute=True):
        review.version_approve(actor=staff, registration=registration)
    registration.refresh_from_db()
    return registration


def test_catalog_sync_stores_a_version_once(catalog, sandbox):
    from registrations.services.catalog import catalog_sync

    assert catalog.number == 1
    assert (
        catalog.types.filter(registration_type=TFN).get().title
        == "US toll-free number registration"
    )
    again, created = catalog_sync()
    assert (again.pk, created) == (catalog.pk, False)


def test_draft_is_prefilled_from_the_business_profile(catalog, tenant_a, alice):
    _profile(tenant_a)
    registration = _draft(tenant_a, alice)
    values = version_values(registration.current_version)
    assert values["companyInfo.companyName"] == "Example Corp"
    assert values["companyInfo.businessType"] == ["PRIVATE_PROFIT"]
    assert values["contactInfo.supportPhoneNumber"] == "+12065550199"
    assert values["companyInfo.taxIdAuthority"] == ["EIN"]
    assert "messagingUseCase.optInDescription" not in values
    assert registration.status == Status.DRAFT
    assert list(registration.timeline.values_list("to_status", flat=True)) == ["DRAFT"]


def test_invalid_values_save_nothing_and_say_why(catalog, tenant_a, alice):
    registration = _draft(tenant_a, alice)
    with pytest.raises(ValidationError) as error:
        drafts.registration_values_save(
            tenant=tenant_a,
            actor=alice,
            registration=registration,
            values={
                "companyInfo.city": "Seattle",
                "companyInfo.isoCountryCode": "USA",
                "companyInfo.businessType": ["PIRATE"],
            },
        )
    assert error.value.message_dict == {
        "companyInfo.isoCountryCode": [
            "Use at most 2 characters (now 3).",
            "Enter a value in the expected format, for example: US",
        ],
        "companyInfo.businessType": ["Not a choice here: PIRATE."],
    }
    assert "companyInfo.city" not in version_values(registration.current_version)


def test_conditional_rule_decides_what_is_required(catalog, tenant_a, alice):
    values = {k: v for k, v in TFN_GOOD.items() if not k.startswith("companyInfo.taxId")}
    registration = _draft(tenant_a, alice, values=values)
    drafts.registration_attachment_add(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        field_path="messagingUseCase.optInImage",
        upload=SimpleUploadedFile("o.png", PNG),
    )
    with pytest.raises(ValidationError) as error:
        review.registration_submit_for_review(
            tenant=tenant_a, actor=alice, registration=registration
        )
    assert set(error.value.message_dict) == {
        "companyInfo.taxId",
        "companyInfo.taxIdAuthority",
        "companyInfo.taxIdCountry",
    }
    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={"companyInfo.businessType": ["SOLE_PROPRIETOR"]},
    )
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    assert Registration.objects.get(pk=registration.pk).status == Status.IN_REVIEW


def test_upload_type_is_checked_by_content(catalog, tenant_a, alice):
    registration = _draft(tenant_a, alice)
    with pytest.raises(ValidationError) as error:
        drafts.registration_attachment_add(
            tenant=tenant_a,
            actor=alice,
            registration=registration,
            field_path="messagingUseCase.optInImage",
            upload=SimpleUploadedFile("looks.png", b"GIF89a not really", content_type="image/png"),
        )
    assert error.value.message_dict == {
        "messagingUseCase.optInImage": ["Upload a PDF, PNG or JPEG file (checked by content)."]
    }


def test_toll_free_end_to_end(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    registration = _tfn_ready(tenant_a, alice)
    registration = _submit_and_approve(
        registration, tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    assert registration.status == Status.SUBMITTED
    assert registration.aws_registration_id.startswith("registration-")
    version = registration.current_version
    assert (version.pipeline_step, version.aws_version_number, version.aws_status) == (
        "SUBMITTED",
        1,
        "SUBMITTED",
    )
    assert len(sandbox.calls("CreateRegistration")) == 1
    assert len(sandbox.calls("SubmitRegistrationVersion")) == 1
    puts = {c["Parameters"]["FieldPath"] for c in sandbox.calls("PutRegistrationFieldValue")}
    assert puts == set(TFN_GOOD) | {"messagingUseCase.optInImage"}
    sender = Sender.objects.get(registration=registration)
    assert (sender.number_type, sender.status) == ("TOLL_FREE", "PENDING")
    assert registration.aws_calls.filter(outcome="ok").count() >= len(TFN_GOOD) + 5

    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        result = tracking.reconcile_pass(force=True)
    assert result == {"polled": 1, "changed": 1, "accounts": 1}
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    sender.refresh_from_db()
    assert sender.status == "ACTIVE"
    assert list(registration.timeline.values_list("to_status", flat=True)) == [
        "DRAFT",
        "IN_REVIEW",
        "QUEUED",
        "SUBMITTING",
        "SUBMITTED",
        "COMPLETE",
    ]


def test_denial_brings_reasons_to_the_fields_and_resubmission_works(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    sandbox.decide(
        registration.aws_registration_id,
        1,
        "deny",
        {
            "DeniedReasons": [
                {
                    "Reason": "Invalid Sample Message",
                    "ShortDescription": "Sample messages must name the brand",
                }
            ],
            "Fields": [
                {
                    "FieldPath": "messageSamples.messageSample1",
                    "DeniedReason": "Brand name missing",
                    "Feedback": "Add your brand name.",
                }
            ],
        },
    )
    tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.status == Status.REQUIRES_UPDATES
    denied, current = list(registration.versions.order_by("number"))
    assert denied.denied_reasons[0]["reason"] == "Invalid Sample Message"
    flagged = current.values.get(field_path="messageSamples.messageSample1")
    assert (flagged.needs_change, flagged.aws_denied_reason, flagged.aws_feedback) == (
        True,
        "Brand name missing",
        "Add your brand name.",
    )
    assert current.values.filter(needs_change=True).count() == 1
    assert current.values.count() == denied.values.count()

    drafts.registration_values_save(
        tenant=tenant_a,
        actor=alice,
        registration=registration,
        values={
            "messageSamples.messageSample1": "Example Corp: statement ready. Reply STOP to opt out."
        },
    )
    registration = _submit_and_approve(
        registration, tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    assert registration.status == Status.SUBMITTED
    current.refresh_from_db()
    assert current.aws_version_number == 2
    assert len(sandbox.calls("CreateRegistration")) == 1
    assert len(sandbox.calls("CreateRegistrationVersion")) == 1
    assert len(sandbox.calls("SubmitRegistrationVersion")) == 2
    sandbox.decide(registration.aws_registration_id, 2, "approve")
    tracking.reconcile_pass(force=True)
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETE


def test_ten_dlc_brand_then_campaign_with_numbers(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    brand = _draft(tenant_a, alice, "US_TEN_DLC_BRAND_REGISTRATION", BRAND_GOOD)
    campaign = _draft(
        tenant_a, alice, "US_TEN_DLC_CAMPAIGN_REGISTRATION", CAMPAIGN_GOOD, depends_on=brand
    )
    # Sent before its brand is complete: accepted, and it waits for the brand.
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.WAITING_FOR_BRAND
    brand = _submit_and_approve(brand, tenant_a, alice, sam, django_capture_on_commit_callbacks)
    sandbox.decide(brand.aws_registration_id, 1, "approve")
    tracking.reconcile_pass(force=True)
    brand.refresh_from_db()
    assert brand.status == Status.COMPLETE

    campaign.refresh_from_db()
    assert campaign.status == Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        review.version_approve(actor=sam, registration=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.SUBMITTED
    associations = sandbox.calls("CreateRegistrationAssociation")
    assert [c["Parameters"]["ResourceId"] for c in associations] == [brand.aws_registration_id]
    sandbox.decide(campaign.aws_registration_id, 1, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        tracking.reconcile_pass(force=True)
    campaign.refresh_from_db()
    assert campaign.status == Status.COMPLETE
    sender = Sender.objects.get(registration=campaign)
    assert sender.number_type == "TEN_DLC"
    assert sandbox.calls("RequestPhoneNumber")[0]["Parameters"]["RegistrationId"] == (
        campaign.aws_registration_id
    )
    # Provisioning again changes nothing.
    assert len(registration_provision(registration_id=campaign.pk)) == 1
    assert len(sandbox.calls("RequestPhoneNumber")) == 1


def test_staff_return_with_field_comments(catalog, tenant_a, alice, sam):
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    review.version_return(
        actor=sam,
        registration=registration,
        comments={"messagingUseCase.useCaseDetails": "Say who receives what."},
        message="One detail to sharpen.",
    )
    registration.refresh_from_db()
    assert registration.status == Status.CHANGES_REQUESTED
    first, second = registration.versions.order_by("number")
    assert first.locked_at is not None and second.is_editable
    comment = FieldComment.objects.get()
    assert (comment.version, comment.field_path, comment.body) == (
        first,
        "messagingUseCase.useCaseDetails",
        "Say who receives what.",
    )
    assert second.values.get(field_path="messagingUseCase.useCaseDetails").needs_change is True
    assert StatusEvent.objects.filter(registration=registration).last().reason == (
        "One detail to sharpen."
    )


def test_two_approvals_of_one_version_only_one_wins(catalog, tenant_a, alice, sam):
    registration = _tfn_ready(tenant_a, alice)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    stale = Registration.objects.get(pk=registration.pk)
    review.version_approve(actor=sam, registration=registration)
    with pytest.raises(ValidationError, match="Someone else changed this registration"):
        review.version_approve(actor=sam, registration=stale)
    assert StatusEvent.objects.filter(registration=registration, to_status="QUEUED").count() == 1


def test_roles_for_the_lifecycle(catalog, tenant_a, alice, bob, vic):
    with pytest.raises(PermissionDenied):
        drafts.registration_create(tenant=tenant_a, actor=bob, registration_type=TFN)
    registration = _tfn_ready(tenant_a, alice)
    with pytest.raises(PermissionDenied):
        review.registration_submit_for_review(tenant=tenant_a, actor=bob, registration=registration)
    review.registration_submit_for_review(tenant=tenant_a, actor=alice, registration=registration)
    with pytest.raises(PermissionDenied):
        review.version_approve(actor=vic, registration=registration)
    with pytest.raises(ValidationError, match="cannot be edited"):
        drafts.registration_values_save(
            tenant=tenant_a,
            actor=alice,
            registration=registration,
            values={"companyInfo.city": "Tacoma"},
        )


def test_sending_setup_after_completion_is_idempotent(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    import boto3

    from registrations.models import SendingSetup
    from registrations.services.sending_setup import sending_setup_run

    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        tracking.reconcile_pass(force=True)
    setup = SendingSetup.objects.get(tenant=tenant_a)
    assert setup.complete is True
    assert [key for key, _, done in setup.checklist if done] == [
        "opt_out_list",
        "pool",
        "pool_members",
        "configuration_set",
        "keywords",
        "protect",
    ]
    client = boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=sandbox.base_url,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    pool = client.describe_pools(PoolIds=[setup.pool_id])["Pools"][0]
    assert (pool["SharedRoutesEnabled"], pool["OptOutListName"]) == (False, "portal-acme")
    number = Sender.objects.get(registration=registration)
    number_settings = client.describe_phone_numbers(PhoneNumberIds=[number.aws_id])
    assert number_settings["PhoneNumbers"][0]["OptOutListName"] == "portal-acme"
    # A toll-free registration states no HELP or STOP texts: the pool keeps AWS's own replies
    # (inherited from the number), and the portal composes none.
    keywords = {
        k["Keyword"]: k
        for k in client.describe_keywords(OriginationIdentity=setup.pool_id)["Keywords"]
    }
    assert keywords["STOP"]["KeywordAction"] == "OPT_OUT"
    assert keywords["HELP"]["KeywordMessage"] == (
        "Reply STOP to opt out. Msg&data rates may apply."
    )
    assert sandbox.calls("PutKeyword") == []
    config = client.describe_configuration_sets(ConfigurationSetNames=["portal-acme"])
    destination = config["ConfigurationSets"][0]["EventDestinations"][0]
    assert destination["SnsDestination"]["TopicArn"].endswith(":portal-sms-events")
    creates_before = [c for c in sandbox.calls() if c["Operation"].startswith("Create")]
    sending_setup_run(tenant_id=tenant_a.pk)
    creates_after = [c for c in sandbox.calls() if c["Operation"].startswith("Create")]
    assert len(creates_after) == len(creates_before)


@pytest.mark.parametrize(
    ("registration_type", "values", "attachment_field", "kind", "value"),
    [("IN_SENDER_ID_REGISTRATION", "IN_SENDER_ID_GOOD", None, "SENDER_ID", "EXMPLE")],
)
def test_identities_provisioned_on_approval(
    registration_type,
    values,
    attachment_field,
    kind,
    value,
    catalog,
    sandbox,
    tenant_a,
    alice,
    sam,
    django_capture_on_commit_callbacks,
):
    from tests.sandbox import forms

    registration = _draft(tenant_a, alice, registration_type, getattr(forms, values))
    if attachment_field:
        drafts.registration_attachment_add(
            tenant=tenant_a,
            actor=alice,
            registration=registration,
            field_path=attachment_field,
            upload=SimpleUploadedFile("mockup.png", PNG),
        )
    registration = _submit_and_approve(
        registration, tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    assert registration.status == Status.SUBMITTED
    assert sandbox.calls("CreateRegistrationAssociation") == []  # AWS associates on approval
    sandbox.decide(registration.aws_registration_id, 1, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        tracking.reconcile_pass(force=True)
    registration.refresh_from_db()
    assert registration.status == Status.COMPLETE
    sender = Sender.objects.get(registration=registration)
    assert (sender.kind, sender.value, sender.status) == (kind, value, "ACTIVE")
    assert len(registration_provision(registration_id=registration.pk)) == 1


def test_brand_vetting_is_associated_with_its_brand(
    catalog, sandbox, tenant_a, alice, sam, django_capture_on_commit_callbacks
):
    brand = _draft(tenant_a, alice, "US_TEN_DLC_BRAND_REGISTRATION", BRAND_GOOD)
    brand = _submit_and_approve(brand, tenant_a, alice, sam, django_capture_on_commit_callbacks)
    sandbox.decide(brand.aws_registration_id, 1, "approve")
    tracking.reconcile_pass(force=True)
    vetting = _draft(
        tenant_a,
        alice,
        "US_TEN_DLC_BRAND_VETTING",
        {},
        depends_on=Registration.objects.get(pk=brand.pk),
    )
    vetting = _submit_and_approve(vetting, tenant_a, alice, sam, django_capture_on_commit_callbacks)
    assert vetting.status == Status.SUBMITTED
    call = sandbox.calls("CreateRegistrationAssociation")[0]
    assert (call["Parameters"]["RegistrationId"], call["Parameters"]["ResourceId"]) == (
        vetting.aws_registration_id,
        brand.aws_registration_id,
    )
    sandbox.decide(vetting.aws_registration_id, 1, "approve")
    tracking.reconcile_pass(force=True)
    assert Registration.objects.get(pk=vetting.pk).status == Status.COMPLETE


def test_reconcile_lists_many_and_describes_only_what_moved(catalog, sandbox, tenant_a):
    import boto3

    from tests.sandbox.forms import fill

    client = boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=sandbox.base_url,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    ids = []
    for _ in range(30):
        rid = client.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")[
            "RegistrationId"
        ]
        fill(client, rid, BRAND_GOOD)
        client.submit_registration_version(RegistrationId=rid)
        ids.append(rid)
    Registration.objects.bulk_create(
        [
            Registration(
                tenant=tenant_a,
                registration_type="US_TEN_DLC_BRAND_REGISTRATION",
                name=f"r{n}",
                catalog=catalog,
                status=Status.REVIEWING,
                aws_status=Status.REVIEWING,  # what AWS last reported
                aws_registration_id=rid,
            )
            for n, rid in enumerate(ids)
        ]
    )
    for rid in ids[:7]:
        sandbox.decide(rid, 1, "approve")
    sandbox.request("DELETE", "/_sandbox/calls")
    assert tracking.reconcile_pass(force=True) == {"polled": 30, "changed": 7, "accounts": 1}
    describes = sandbox.calls("DescribeRegistrations")
    # One listing of the watched states (in review, and COMPLETE since issue 19): the 7 that
    # were approved are in it, nothing is described one by one.
    assert [len(c["Parameters"].get("RegistrationIds", [])) for c in describes] == [0]
    # Only the 7 that moved have their versions read.
    assert len(sandbox.calls("DescribeRegistrationVersions")) == 7
    assert Registration.objects.filter(status=Status.COMPLETE).count() == 7
    # Nothing is due right after a pass.
    assert tracking.reconcile_pass() == {"polled": 0, "changed": 0, "accounts": 0}


def test_tenant_is_told_in_app_and_by_mail_when_aws_asks_for_updates(
    catalog, sandbox, tenant_a, alice, owen, sam, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tenants.models import Notice
    from tests.conftest import client_for

    registration = _submit_and_approve(
        _tfn_ready(tenant_a, alice), tenant_a, alice, sam, django_capture_on_commit_callbacks
    )
    sandbox.decide(
        registration.aws_registration_id,
        1,
        "deny",
        {
            "DeniedReasons": [{"Reason": "Invalid Opt-In", "ShortDescription": "Opt-in unclear"}],
        },
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tracking.reconcile_pass(force=True)
    notice = Notice.objects.get(tenant=tenant_a)
    assert notice.title == "Alerts: Needs updates before it can be approved"
    assert notice.body == "- Opt-in unclear"
    assert [m.subject for m in mail.outbox] == [notice.title]
    page = client_for(alice).get(f"/t/{tenant_a.slug}/")
    assert page.context["unread_notices"] == 1
    assert list(page.context["notices"]) == [notice]
    client_for(alice).post(f"/t/{tenant_a.slug}/notices/read/")
    notice.refresh_from_db()
    assert notice.read_at is not None
