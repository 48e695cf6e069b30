"""The AWS gateway: typed errors, and a tenant's own AWS account reached by sts:AssumeRole
(answered by the sandbox for the roles declared to it, like every other call here)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from registrations.aws import clients, errors
from registrations.aws import operations as aws
from registrations.aws.gateway import CALL_ATTEMPTS, Gateway
from registrations.models import AwsAccount, AwsCall

ROLE = "arn:aws:iam::210987654321:role/sms-portal"


@pytest.mark.django_db
def test_tenant_account_is_reached_through_assume_role(sandbox, tenant_a):
    clients._client.cache_clear()
    account = AwsAccount.objects.create(tenant=tenant_a, role_arn=ROLE, verified_at=timezone.now())
    sandbox.request("PUT", "/_sandbox/roles", {"RoleArn": ROLE, "ExternalId": account.external_id})
    context = clients.account_for(tenant_a)
    assert context == clients.AccountContext(account.role_arn, account.external_id, "")
    gateway = Gateway.for_tenant(tenant_a)
    assert gateway.context == context
    assert aws.opt_out_list_exists(gateway, name="Default") is True
    assert AwsCall.objects.get(tenant=tenant_a).operation == "DescribeOptOutLists"
    credentials = clients.client_for(context)._request_signer._credentials
    assert credentials.access_key.startswith("ASIA") and credentials.token
    (call,) = sandbox.calls("DescribeOptOutLists")
    assert call["Account"] == "210987654321"
    clients._client.cache_clear()


@pytest.mark.django_db
def test_a_refused_role_is_a_typed_assume_role_error(sandbox, tenant_a):
    clients._client.cache_clear()
    AwsAccount.objects.create(tenant=tenant_a, role_arn=ROLE, verified_at=timezone.now())
    with pytest.raises(errors.PermanentError) as refused:
        aws.opt_out_list_exists(Gateway.for_tenant(tenant_a), name="Default")
    assert (refused.value.operation, refused.value.code) == ("AssumeRole", "AccessDenied")
    assert AwsCall.objects.get(tenant=tenant_a).operation == "AssumeRole"


@pytest.mark.django_db
def test_errors_are_typed_with_aws_reasons(sandbox, catalog):
    gateway = Gateway()
    with pytest.raises(errors.NotFoundError) as missing:
        aws.registration_versions_describe(gateway, registration_id="registration-" + "0" * 32)
    assert missing.value.code == "ResourceNotFoundException"
    toll_free = aws.registration_create(
        gateway, registration_type="US_TOLL_FREE_REGISTRATION", client_token="token-1", name="x"
    )
    with pytest.raises(errors.ConflictError) as unassociated:
        aws.registration_version_submit(gateway, registration_id=toll_free.id)
    assert unassociated.value.message == (
        "Associate a TOLL_FREE resource with the registration before submitting."
    )
    brand = aws.registration_create(
        gateway, registration_type="US_TEN_DLC_BRAND_REGISTRATION", client_token="token-2", name="x"
    )
    name = {"registration_id": brand.id, "field_path": "companyInfo.companyName"}
    aws.field_value_put(gateway, **name, text="Example Corp")
    aws.registration_version_submit(gateway, registration_id=brand.id)
    with pytest.raises(errors.ConflictError) as conflict:
        aws.field_value_put(gateway, **name, text="Other")
    assert conflict.value.reason == "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED"
    with pytest.raises(errors.ValidationFailed) as invalid:
        aws.registration_create(
            gateway, registration_type="NOT_A_TYPE", client_token="token-3", name="x"
        )
    assert invalid.value.code == "ValidationException"
    sandbox.request(
        "POST", "/_sandbox/faults", {"operation": "DescribeOptOutLists", "error_rate": 1.0}
    )
    with pytest.raises(errors.RetryableError):
        aws.opt_out_list_exists(gateway, name="Default")
    calls = sandbox.calls("DescribeOptOutLists")
    assert len(calls) == CALL_ATTEMPTS  # retried through the limiter, then given up
