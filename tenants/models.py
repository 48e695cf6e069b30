"""Tenants, the people in them, their business profile and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("staff_role", User.StaffRole.REVIEWER)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person. Signs in with an e-mail address.

    Provider staff are users with `is_staff` and a `staff_role`; tenant people have memberships.
    """

    class StaffRole(models.TextChoices):
        NONE = "", "Not provider staff"
        VIEWER = "viewer", "Viewer (can look, cannot act)"
        REVIEWER = "reviewer", "Reviewer (reviews and manages tenants)"

    username = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    staff_role = models.CharField(max_length=16, choices=StaffRole.choices, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(staff_role="") | models.Q(is_staff=True),
                name="user_staff_role_requires_is_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_provider_staff(self) -> bool:
        return self.is_active and self.is_staff and self.staff_role != ""

    @property
    def can_act_as_staff(self) -> bool:
        return self.is_provider_staff and self.staff_role == self.StaffRole.REVIEWER


class Tenant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class Role(models.TextChoices):
    """A member's role in a tenant. Higher roles include the rights of lower ones."""

    MEMBER = "member", "Member"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"

    @classmethod
    def rank(cls, role: str) -> int:
        return {cls.MEMBER: 1, cls.ADMIN: 2, cls.OWNER: 3}[role]

    @classmethod
    def at_least(cls, role: str, required: str) -> bool:
        return cls.rank(role) >= cls.rank(required)


class Membership(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_tenant_user_unique")
        ]
        ordering = ["tenant__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.tenant} ({self.role})"


class Invitation(models.Model):
    """An e-mail invitation to join a tenant. Only a hash of its token is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.tenant} as {self.role}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= timezone.now()
        )


class BusinessDetails(models.Model):
    """A business's details as registrations need them (the tenant's, or the provider's own).

    Field limits follow the AWS registration fields they prefill (companyInfo.*, contactInfo.*).
    """

    class BusinessType(models.TextChoices):
        PRIVATE_PROFIT = "PRIVATE_PROFIT", "Private company"
        PUBLIC_PROFIT = "PUBLIC_PROFIT", "Publicly traded company"
        NON_PROFIT = "NON_PROFIT", "Non-profit organisation"
        GOVERNMENT = "GOVERNMENT", "Government"
        SOLE_PROPRIETOR = "SOLE_PROPRIETOR", "Sole proprietor"

    class TaxIdType(models.TextChoices):
        EIN = "EIN", "EIN (United States)"
        CBN = "CBN", "CBN (Canada, business number)"
        CRN = "CRN", "CRN (company registration number)"
        PROVINCIAL_NUMBER = "PROVINCIAL_NUMBER", "Provincial number (Canada)"
        VAT = "VAT", "VAT number"
        ACN = "ACN", "ACN (Australia)"
        ABN = "ABN", "ABN (Australia)"
        BRN = "BRN", "BRN (business registration number)"
        SIREN = "SIREN", "SIREN (France)"
        SIRET = "SIRET", "SIRET (France)"
        NZBN = "NZBN", "NZBN (New Zealand)"
        UST_IDNR = "USt-IdNr", "USt-IdNr (Germany)"
        CIF = "CIF", "CIF (Spain)"
        NIF = "NIF", "NIF (Spain, Portugal)"
        CNPJ = "CNPJ", "CNPJ (Brazil)"
        UID = "UID", "UID (Switzerland, Austria)"
        NEQ = "NEQ", "NEQ (Quebec)"
        OTHER = "OTHER", "Other"

    class Vertical(models.TextChoices):
        AGRICULTURE = "AGRICULTURE", "Agriculture"
        COMMUNICATION = "COMMUNICATION", "Communication"
        CONSTRUCTION = "CONSTRUCTION", "Construction"
        EDUCATION = "EDUCATION", "Education"
        ENERGY = "ENERGY", "Energy"
        ENTERTAINMENT = "ENTERTAINMENT", "Entertainment"
        FINANCIAL = "FINANCIAL", "Financial"
        GAMBLING = "GAMBLING", "Gambling"
        GOVERNMENT = "GOVERNMENT", "Government"
        HEALTHCARE = "HEALTHCARE", "Healthcare"
        HOSPITALITY = "HOSPITALITY", "Hospitality"
        INSURANCE = "INSURANCE", "Insurance"
        MANUFACTURING = "MANUFACTURING", "Manufacturing"
        NGO = "NGO", "Non-governmental organisation"
        REAL_ESTATE = "REAL_ESTATE", "Real estate"
        RETAIL = "RETAIL", "Retail"
        TECHNOLOGY = "TECHNOLOGY", "Technology"

    legal_name = models.CharField("legal company name", max_length=100, blank=True)
    dba_name = models.CharField("brand or DBA name", max_length=100, blank=True)
    business_type = models.CharField(max_length=20, choices=BusinessType.choices, blank=True)
    vertical = models.CharField("industry", max_length=20, choices=Vertical.choices, blank=True)
    tax_id = models.CharField("tax ID", max_length=21, blank=True)
    tax_id_type = models.CharField(
        "tax ID type", max_length=20, choices=TaxIdType.choices, blank=True
    )
    tax_id_country = models.CharField("tax ID issuing country", max_length=2, blank=True)
    stock_symbol = models.CharField(max_length=10, blank=True)
    stock_exchange = models.CharField(max_length=10, blank=True)
    address_line1 = models.CharField("address", max_length=100, blank=True)
    address_line2 = models.CharField("address line 2", max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField("state or region", max_length=50, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    website = models.URLField(max_length=100, blank=True)
    support_email = models.EmailField("support e-mail", max_length=100, blank=True)
    support_phone = models.CharField("support phone", max_length=30, blank=True)
    contact_first_name = models.CharField("contact first name", max_length=100, blank=True)
    contact_last_name = models.CharField("contact last name", max_length=100, blank=True)
    contact_title = models.CharField("contact job title", max_length=100, blank=True)
    contact_email = models.EmailField("contact e-mail", max_length=100, blank=True)
    contact_phone = models.CharField("contact phone", max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    REQUIRED_FOR_REGISTRATION = (
        "legal_name",
        "dba_name",
        "business_type",
        "address_line1",
        "city",
        "state",
        "postal_code",
        "country",
        "website",
        "support_email",
        "support_phone",
        "contact_first_name",
        "contact_last_name",
        "contact_email",
    )

    class Meta:
        abstract = True

    @property
    def missing_fields(self) -> list[str]:
        """The fields registrations need that are still empty, as verbose names."""
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FOR_REGISTRATION
            if not getattr(self, name)
        ]
        if self.business_type and self.business_type != self.BusinessType.SOLE_PROPRIETOR:
            missing += [
                str(self._meta.get_field(name).verbose_name)
                for name in ("tax_id", "tax_id_type", "tax_id_country")
                if not getattr(self, name)
            ]
        return missing

    @property
    def completeness(self) -> int:
        total = len(self.REQUIRED_FOR_REGISTRATION) + 3
        return round(100 * (total - len(self.missing_fields)) / total)


class BusinessProfile(BusinessDetails):
    """The tenant's business, entered once and used to prefill every registration."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="profile")

    def __str__(self) -> str:
        return f"Business profile of {self.tenant}"


class ProviderProfile(BusinessDetails):
    """The provider's own business (one row): prefills provider-branded programs, where the
    provider collects the opt-in, writes every message and the messages come from it."""

    tenants_bring_aws_accounts = models.BooleanField(
        "Tenant owners may connect their own AWS account",
        default=False,
        help_text="Off: only provider staff connect a tenant's own AWS account.",
    )

    def __str__(self) -> str:
        return "Provider's business profile"


# The audit log's actions in the words tenants read (dashboard, audit page).
AUDIT_ACTION_WORDS = {
    "api_key.create": "API key created",
    "api_key.revoke": "API key revoked",
    "api_key.rotate": "API key rotated",
    "aws_account.connect": "AWS account connected",
    "business_profile.update": "Business profile updated",
    "hosted_page.publish": "Hosted page published",
    "invitation.accept": "Invitation accepted",
    "invitation.create": "Person invited",
    "invitation.revoke": "Invitation withdrawn",
    "membership.remove": "Person removed",
    "membership.role_change": "Role changed",
    "opt_in": "Recipient opted in",
    "opt_out": "Recipient opted out",
    "opt_out.add": "Opt-out added",
    "opt_out.import": "Opt-outs imported",
    "opt_out.remove": "Recipient opted back in",
    "optin_evidence.render": "Opt-in page image requested",
    "registration.approve": "Registration approved by the provider",
    "registration.attachment": "File attached to a registration",
    "registration.cancel": "Registration cancelled",
    "registration.create": "Registration started",
    "registration.return": "Registration returned with comments",
    "registration.status": "Registration status changed",
    "registration.update": "Registration updated",
    "registration.values": "Registration answers saved",
    "sender.go_live_check": "Sender checked before going live",
    "sending_policy.set": "Sending policy changed",
    "sms_program.save": "SMS program saved",
    "tenant.create": "Account created",
    "webhook.create": "Webhook added",
    "webhook.delete": "Webhook removed",
    "webhook.rotate_secret": "Webhook secret rotated",
    "webhook.update": "Webhook changed",
}


class AuditEntry(models.Model):
    """Who did what to which object, with the values before and after. Written by services."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="audit_tenant_time")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """What happened, in words ("Business profile updated"); the code stays for staff."""
        words = AUDIT_ACTION_WORDS.get(self.action)
        if words:
            return words
        noun, _, verb = self.action.rpartition(".")
        text = f"{noun.replace('_', ' ')}: {verb.replace('_', ' ')}" if noun else verb
        return text.replace("_", " ").capitalize()

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        keys = sorted(set(self.before) | set(self.after))
        return [
            (key, self.before.get(key), self.after.get(key))
            for key in keys
            if self.before.get(key) != self.after.get(key)
        ]


class Notice(models.Model):
    """An in-app notice for a tenant's people: something needs them or changed state."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ApiKey(models.Model):
    """A tenant's key for the sending API: a public prefix, and only an HMAC of the secret.

    The full key (`smsk_<prefix>_<secret>`) is shown once. A rotated key stays valid until
    `valid_until` (the overlap window) so that applications can switch without downtime.
    """

    class Scope(models.TextChoices):
        SEND = "send", "Send messages"
        READ = "read", "Read messages, senders and registrations"
        OPT_OUTS = "opt_outs", "Manage opt-outs"
        WEBHOOKS = "webhooks", "Manage webhook endpoints"
        POLICY = "policy", "Change the sending policy (countries, spend cap, quiet hours)"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hmac = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    rotated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rotations"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def usable_at(self, when) -> bool:
        if self.revoked_at is not None and self.revoked_at <= when:
            return False
        if self.expires_at is not None and self.expires_at <= when:
            return False
        return self.valid_until is None or self.valid_until > when
