"""Every ServiceQuotaExceeded reason the sandbox produces, and disassociation behaviours that
only a changed catalog reaches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox import pools, versions
from sandbox.server import start_in_thread, stop
from sandbox.settings import Settings, parse_limits
from tests.sandbox import forms
from tests.sandbox.conftest import make_client

SIM = dict(
    IsoCountryCode="US",
    MessageType="TRANSACTIONAL",
    NumberCapabilities=["SMS"],
    NumberType="SIMULATOR",
)


def test_account_limits_of_every_kind():
    limits = parse_limits(
        "POOLS=1,CONFIGURATION_SETS=1,OPT_OUT_LISTS=2,SENDER_IDS=1,"  # Default counts
        "REGISTRATIONS=1,REGISTRATION_ATTACHMENTS=1"
    )
    server, app, _ = start_in_thread(Settings(port=0, quotas=False, limits=limits))
    try:
        client = make_client(app.settings.base_url)
        number = client.request_phone_number(**SIM)
        other = client.request_phone_number(**SIM)
        steps = [
            (
                lambda i: client.create_pool(
                    OriginationIdentity=[number, other][i]["PhoneNumberId"],
                    MessageType="TRANSACTIONAL",
                ),
                "POOLS_PER_ACCOUNT",
            ),
            (
                lambda i: client.create_configuration_set(ConfigurationSetName=f"c{i}"),
                "CONFIGURATION_SETS_PER_ACCOUNT",
            ),
            (
                lambda i: client.create_opt_out_list(OptOutListName=f"o{i}"),
                "OPT_OUT_LISTS_PER_ACCOUNT",
            ),
            (
                lambda i: client.request_sender_id(SenderId=f"SENDER{i}", IsoCountryCode="GB"),
                "SENDER_IDS_PER_ACCOUNT",
            ),
            (
                lambda i: client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION"),
                "REGISTRATIONS_PER_ACCOUNT",
            ),
            (
                lambda i: client.create_registration_attachment(AttachmentBody=forms.PNG),
                "REGISTRATION_ATTACHMENTS_PER_ACCOUNT",
            ),
        ]
        for step, reason in steps:
            step(0)
            with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
                step(1)
            assert err.value.response["Reason"] == reason
    finally:
        stop(server, app)


def test_per_resource_limits(client, monkeypatch):
    monkeypatch.setattr(pools, "IDENTITIES_PER_POOL", 1)
    monkeypatch.setattr(versions, "VERSIONS_PER_DAY", 1)
    monkeypatch.setitem(versions.PHONE_NUMBERS_PER_REGISTRATION, "TEN_DLC", 1)
    first, second = client.request_phone_number(**SIM), client.request_phone_number(**SIM)
    pool = client.create_pool(
        OriginationIdentity=first["PhoneNumberId"], MessageType="TRANSACTIONAL"
    )["PoolId"]
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.associate_origination_identity(
            PoolId=pool, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
        )
    assert err.value.response["Reason"] == "ORIGINATION_IDENTITIES_PER_POOL"
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.disassociate_origination_identity(
            PoolId=pool, IsoCountryCode="US", OriginationIdentity=second["PhoneNumberId"]
        )
    assert err.value.response["Reason"] == "PHONE_NUMBER_NOT_ASSOCIATED_TO_POOL"
    for i in range(29):  # 30 keywords per pool, HELP and STOP inherited from its first number
        if i == 28:
            with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
                client.put_keyword(OriginationIdentity=pool, Keyword=f"K{i}", KeywordMessage="m")
            assert err.value.response["Reason"] == "KEYWORDS_PER_POOL"
        else:
            client.put_keyword(OriginationIdentity=pool, Keyword=f"K{i}", KeywordMessage="m")
    client.put_keyword(OriginationIdentity=pool, Keyword="K0", KeywordMessage="changed")
    reg = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
    client.tag_resource(
        ResourceArn=reg["RegistrationArn"],
        Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(150)],
    )
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.tag_resource(
            ResourceArn=reg["RegistrationArn"],
            Tags=[{"Key": f"x{i}", "Value": "v"} for i in range(60)],
        )
    assert err.value.response["Reason"] == "TAGS_PER_RESOURCE"
    rid = forms.tfn_registration(client, forms.TFN_CARELESS)["id"]
    client.submit_registration_version(RegistrationId=rid)
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.create_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "REGISTRATION_VERSIONS_CREATED_PER_DAY"
    brand = forms.approved_brand(client)
    campaign = client.create_registration(RegistrationType="US_TEN_DLC_CAMPAIGN_REGISTRATION")[
        "RegistrationId"
    ]
    client.create_registration_association(RegistrationId=campaign, ResourceId=brand)
    forms.fill(client, campaign, forms.CAMPAIGN_GOOD)
    client.submit_registration_version(RegistrationId=campaign)
    ten_dlc = dict(SIM, NumberType="TEN_DLC")
    client.request_phone_number(**ten_dlc, RegistrationId=campaign)
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as err:
        client.request_phone_number(**ten_dlc, RegistrationId=campaign)
    assert err.value.response["Reason"] == "PHONE_NUMBERS_PER_REGISTRATION"


def test_delete_registration_disassociates_behaviour(client, control, app):
    catalog = json.loads(Path(app.settings.catalog).read_text(encoding="utf-8"))
    tfn = catalog["RegistrationTypes"][0]
    tfn["SupportedAssociations"][0]["DisassociationBehavior"] = "DELETE_REGISTRATION_DISASSOCIATES"
    control.call("PUT", "/_sandbox/catalog", catalog)
    made = forms.tfn_registration(client)
    number = made["number"]["PhoneNumberId"]
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.release_phone_number(PhoneNumberId=number)
    assert err.value.response["Reason"] == "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION"
    client.delete_registration(RegistrationId=made["id"])
    described = client.describe_phone_numbers(PhoneNumberIds=[number])["PhoneNumbers"][0]
    assert "RegistrationId" not in described
    assert client.release_phone_number(PhoneNumberId=number)["Status"] == "DELETED"
