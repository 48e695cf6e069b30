"""The AWS gateway: typed errors, and a tenant's own AWS account reached by sts:AssumeRole.

STS cannot run here (the sandbox emulates End User Messaging only), so the assume-role call
is answered by botocore's Stubber; the End User Messaging calls go to the sandbox for real."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import Stubber
from django.utils import timezone

from registrations.aws import clients, errors
from registrations.aws import operations as aws
from registrations.aws.gateway import CALL_ATTEMPTS, Gateway
from registrations.models import AwsAccount, AwsCall


@pytest.mark.django_db
def test_tenant_account_is_reached_through_assume_role(sandbox, tenant_a, monkeypatch):
    account = AwsAccount.objects.create(
        tenant=tenant_a,
        role_arn="arn:aws:iam::210987654321:role/sms-portal",
        verified_at=timezone.now(),
    )
    sts = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(sts)
    stubber.add_response(
        "assume_role",
        {
            "Credentials": {
                "AccessKeyId": "ASIATENANTACCOUNT01",
                "SecretAccessKey": "s" * 40,
                "SessionToken": "token",
                "Expiration": datetime.datetime(2030, 1, 1),
            }
        },
        {
            "RoleArn": account.role_arn,
            "RoleSessionName": "sms-portal",
            "ExternalId": account.external_id,
            "DurationSeconds": 3600,
        },
    )
    real_client = boto3.client

    def client(service, **kwargs):
        return sts if service == "sts" else real_client(service, **kwargs)

    monkeypatch.setattr(clients.boto3, "client", client)
    clients._client.cache_clear()
    with stubber:
        context = clients.account_for(tenant_a)
        assert context == clients.AccountContext(account.role_arn, account.external_id, "")
        gateway = Gateway.for_tenant(tenant_a)
        assert gateway.context == context
        assert aws.opt_out_list_exists(gateway, name="Default") is True
    stubber.assert_no_pending_responses()
    assert AwsCall.objects.get(tenant=tenant_a).operation == "DescribeOptOutLists"
    credentials = clients.client_for(context)._request_signer._credentials
    assert (credentials.access_key, credentials.token) == ("ASIATENANTACCOUNT01", "token")
    clients._client.cache_clear()


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
