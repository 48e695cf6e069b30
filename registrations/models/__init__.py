from registrations.models.account import AccountReadiness, AwsAccount, RateSlot
from registrations.models.catalog import CatalogVersion, RegistrationTypeDef
from registrations.models.dashboard import DashboardDay, DashboardSummaryState
from registrations.models.registration import (
    Attachment,
    AwsCall,
    FieldComment,
    FieldValue,
    Registration,
    RegistrationVersion,
    SnsMessage,
    StatusEvent,
)
from registrations.models.sender import Sender, SendingSetup
from registrations.models.support import SupportCase, SupportMessage

__all__ = [
    "Attachment",
    "AccountReadiness",
    "AwsAccount",
    "AwsCall",
    "CatalogVersion",
    "DashboardDay",
    "DashboardSummaryState",
    "FieldComment",
    "FieldValue",
    "RateSlot",
    "Registration",
    "RegistrationTypeDef",
    "RegistrationVersion",
    "Sender",
    "SendingSetup",
    "SnsMessage",
    "StatusEvent",
    "SupportCase",
    "SupportMessage",
]
