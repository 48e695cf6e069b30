"""AWS Support operations (`support` 2013-04-15), one typed function each, through
`Gateway.call` on the gateway's Support client (`Gateway.support()`; the API is served from
us-east-1). Short codes and limit increases are requested as Support cases.

The Support API needs a Business or Enterprise support plan; without one every call raises
`SupportPlanRequired` (AWS's SubscriptionRequiredException), and the case is filed by a person.
"""

from __future__ import annotations

from registrations.aws.gateway import Gateway
from registrations.aws.types import SupportCaseState, SupportFile, SupportMessage

# How AWS Support names its own entries in `submittedBy` (customer entries name the caller).
AWS_SUBMITTER = "Amazon Web Services"
# The API documents two issue types, `customer-service` and `technical`; the console's "Service
# limit increase" form is not one of them (AWS's CreateCase reference: the Support API does not
# take service limit increases). The portal opens a customer-service case whose text carries the
# console form's answers (quota type Pinpoint SMS, resource type, quota, new value). Service and
# category codes are optional and, per the reference, only valid as DescribeServices returns them
# for the account, so none is invented here. When AWS refuses the case, it is filed in the console
# by staff with the same text (services/support.py).
ISSUE_TYPE = "customer-service"
SEVERITY = "low"
LANGUAGE = "en"


def attachment_set_create(gw: Gateway, *, files: list[SupportFile]) -> str:
    response = gw.call(
        "AddAttachmentsToSet",
        {"attachments": [{"fileName": f.name, "data": f.data} for f in files]},
    )
    return response["attachmentSetId"]


def case_create(
    gw: Gateway,
    *,
    subject: str,
    body: str,
    attachment_set_id: str = "",
    service_code: str = "",
    category_code: str = "",
) -> str:
    params = {
        "subject": subject,
        "communicationBody": body,
        "issueType": ISSUE_TYPE,
        "severityCode": SEVERITY,
        "language": LANGUAGE,
    }
    if service_code:
        params["serviceCode"] = service_code
    if category_code:
        params["categoryCode"] = category_code
    if attachment_set_id:
        params["attachmentSetId"] = attachment_set_id
    return gw.call("CreateCase", params)["caseId"]


def case_communication_add(
    gw: Gateway, *, case_id: str, body: str, attachment_set_id: str = ""
) -> None:
    params = {"caseId": case_id, "communicationBody": body}
    if attachment_set_id:
        params["attachmentSetId"] = attachment_set_id
    gw.call("AddCommunicationToCase", params)


def _case(raw: dict) -> SupportCaseState:
    return SupportCaseState(
        case_id=raw["caseId"],
        display_id=raw.get("displayId", ""),
        subject=raw.get("subject", ""),
        status=raw.get("status", ""),
        time_created=raw.get("timeCreated", ""),
    )


def cases_describe(
    gw: Gateway, *, case_ids: list[str] | None = None, after: str = ""
) -> list[SupportCaseState]:
    """The cases asked for (or every case created after `after`), resolved ones included."""
    params: dict = {"includeResolvedCases": True, "includeCommunications": False}
    if case_ids:
        params["caseIdList"] = case_ids
    if after:
        params["afterTime"] = after
    cases: list[SupportCaseState] = []
    while True:
        response = gw.call("DescribeCases", params)
        cases += [_case(raw) for raw in response.get("cases", [])]
        if not response.get("nextToken"):
            return cases
        params["nextToken"] = response["nextToken"]


def case_communications_list(gw: Gateway, *, case_id: str, after: str = "") -> list[SupportMessage]:
    """The case's communications (after `after` when given), oldest first."""
    params: dict = {"caseId": case_id}
    if after:
        params["afterTime"] = after
    found: list[SupportMessage] = []
    while True:
        response = gw.call("DescribeCommunications", params)
        for raw in response.get("communications", []):
            files = raw.get("attachmentSet") or raw.get("attachments") or []
            found.append(
                SupportMessage(
                    case_id=raw.get("caseId", case_id),
                    body=raw.get("body", ""),
                    submitted_by=raw.get("submittedBy", ""),
                    time_created=raw.get("timeCreated", ""),
                    attachments=tuple(f.get("fileName", "") for f in files),
                    from_aws=raw.get("submittedBy", "") == AWS_SUBMITTER,
                )
            )
        if not response.get("nextToken"):
            return sorted(found, key=lambda m: m.time_created)
        params["nextToken"] = response["nextToken"]
