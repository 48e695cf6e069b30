"""What carriers do after approval (control API), and the version rules AWS documents for
discarding and deleting: each status change emits the "Registration Status Change" event."""

from __future__ import annotations

import pytest

from tests.sandbox import forms


def _events(control, rid: str) -> list[str]:
    return [
        e["Message"]["detail"]["registrationDetails"]["currentStatus"]
        for e in control.get("/_sandbox/events")["events"]
        if e["Message"].get("detail-type") == "Registration Status Change"
        and e["Message"]["detail"]["registrationDetails"]["registrationId"] == rid
    ]


def _registration(client, rid: str) -> dict:
    return client.describe_registrations(RegistrationIds=[rid])["Registrations"][0]


def _versions(client, rid: str) -> dict[int, str]:
    return {
        v["VersionNumber"]: v["RegistrationVersionStatus"]
        for v in client.describe_registration_versions(RegistrationId=rid)["RegistrationVersions"]
    }


def _fill_version(client, rid: str) -> None:
    """A new version starts empty: every value again, with a fresh opt-in image."""
    image = client.create_registration_attachment(AttachmentBody=forms.PNG)[
        "RegistrationAttachmentId"
    ]
    forms.fill(client, rid, forms.TFN_GOOD, {"messagingUseCase.optInImage": image})


def _complete_toll_free(client) -> str:
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)  # review delay 0: decided at once
    assert _registration(client, rid)["RegistrationStatus"] == "COMPLETE"
    return rid


def test_revoking_the_approved_version_sends_the_registration_back(client, control):
    rid = _complete_toll_free(client)
    reason = {"Reason": "Use case mismatch", "ShortDescription": "Used for another use case"}
    answer = control.post(
        f"/_sandbox/registrations/{rid}/versions/1/revoke", {"DeniedReasons": [reason]}
    )
    assert answer == {
        "RegistrationStatus": "REQUIRES_UPDATES",
        "RegistrationVersionStatus": "REVOKED",
    }
    registration = _registration(client, rid)
    assert registration["RegistrationStatus"] == "REQUIRES_UPDATES"
    assert "ApprovedVersionNumber" not in registration
    version = client.describe_registration_versions(RegistrationId=rid)["RegistrationVersions"][0]
    assert version["RegistrationVersionStatus"] == "REVOKED"
    assert "RevokedTimestamp" in version["RegistrationVersionStatusHistory"]
    assert version["DeniedReasons"][0]["Reason"] == "Use case mismatch"
    assert _events(control, rid)[-2:] == ["COMPLETE", "REQUIRES_UPDATES"]
    # A revoked version is final: a new version can be made, and its approval completes it.
    assert client.create_registration_version(RegistrationId=rid)["VersionNumber"] == 2
    _fill_version(client, rid)
    client.submit_registration_version(RegistrationId=rid)
    assert _registration(client, rid)["RegistrationStatus"] == "COMPLETE"
    assert _versions(client, rid) == {1: "REVOKED", 2: "APPROVED"}


def test_only_an_approved_version_can_be_revoked(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    status, answer = control.call("POST", f"/_sandbox/registrations/{rid}/versions/1/revoke", {})
    assert status == 409 and "only an APPROVED version" in answer["error"]
    assert _versions(client, rid) == {1: "REVIEWING"}


def test_carrier_sends_a_complete_registration_back_then_closes_it(client, control):
    rid = _complete_toll_free(client)
    assert control.post(f"/_sandbox/registrations/{rid}/requires-updates") == {
        "RegistrationStatus": "REQUIRES_UPDATES"
    }
    registration = _registration(client, rid)
    assert registration["ApprovedVersionNumber"] == 1  # the approved version itself stays
    assert control.post(f"/_sandbox/registrations/{rid}/close") == {"RegistrationStatus": "CLOSED"}
    assert _events(control, rid)[-3:] == ["COMPLETE", "REQUIRES_UPDATES", "CLOSED"]
    status, answer = control.call("POST", f"/_sandbox/registrations/{rid}/requires-updates", {})
    assert status == 409 and "only a COMPLETE one" in answer["error"]
    # A CLOSED registration can be deleted (its number goes with it).
    assert client.delete_registration(RegistrationId=rid)["RegistrationStatus"] == "DELETED"
    assert _events(control, rid)[-1] == "DELETED"
    status, _ = control.call("POST", f"/_sandbox/registrations/{rid}/close", {})
    assert status == 404


def test_discard_only_while_submitted_and_back_to_complete_for_an_amendment(client, control):
    rid = _complete_toll_free(client)
    client.create_registration_version(RegistrationId=rid)
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.discard_registration_version(RegistrationId=rid)  # a DRAFT
    assert err.value.response["Reason"] == "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED"
    assert "only a SUBMITTED version" in err.value.response["Error"]["Message"]
    control.call("PATCH", "/_sandbox/config", {"review_delay": 600})
    _fill_version(client, rid)
    client.submit_registration_version(RegistrationId=rid)
    assert _registration(client, rid)["RegistrationStatus"] == "SUBMITTED"
    discarded = client.discard_registration_version(RegistrationId=rid)
    assert (discarded["VersionNumber"], discarded["RegistrationVersionStatus"]) == (2, "DISCARDED")
    # The approved version is still in force: the registration is COMPLETE again.
    assert _registration(client, rid)["RegistrationStatus"] == "COMPLETE"
    assert _versions(client, rid) == {1: "APPROVED", 2: "DISCARDED"}
    assert _events(control, rid)[-2:] == ["SUBMITTED", "COMPLETE"]


def test_discard_of_a_version_in_review_is_refused(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_mode": "manual"})
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)  # delay 0: REVIEWING at once
    with pytest.raises(client.exceptions.ConflictException) as err:
        client.discard_registration_version(RegistrationId=rid)
    assert err.value.response["Reason"] == "DISCARD_REGISTRATION_VERSION_NOT_ALLOWED"
    assert _versions(client, rid) == {1: "REVIEWING"}


def test_discarding_a_first_version_returns_the_registration_to_created(client, control):
    control.call("PATCH", "/_sandbox/config", {"review_delay": 600})
    rid = forms.tfn_registration(client)["id"]
    client.submit_registration_version(RegistrationId=rid)
    client.discard_registration_version(RegistrationId=rid)
    assert _registration(client, rid)["RegistrationStatus"] == "CREATED"
    assert _events(control, rid) == ["CREATED", "SUBMITTED", "CREATED"]
