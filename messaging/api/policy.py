"""GET and PUT /api/v1/policy: the tenant's sending policy (allowed countries, monthly spend
cap, quiet hours). Reading needs the `read` scope, changing it the `policy` scope: a key that
sends should not be able to lift its own limits unless it is given that scope explicitly."""

from __future__ import annotations

from django.core.exceptions import ValidationError as ModelValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from messaging import selectors, services
from messaging.api.auth import scoped
from messaging.api.views import WITH_BODY, ApiView, errors
from messaging.models import country_codes_normalize
from messaging.spend import month_spend


class PolicyIn(serializers.Serializer):
    allowed_countries = serializers.ListField(
        child=serializers.CharField(max_length=8),
        allow_empty=True,
        max_length=300,
        help_text="ISO 3166-1 alpha-2 codes; an empty list allows every country where the "
        "tenant has an active sender.",
    )
    monthly_spend_cap = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="USD, more than 0; null for no cap. Compared with this month's estimated spend.",
    )
    quiet_start_hour = serializers.IntegerField(
        help_text="0-23: promotional messages are refused from this hour in the recipient's "
        "time zone…"
    )
    quiet_end_hour = serializers.IntegerField(
        help_text="…until this hour (0-23, not the start hour)."
    )

    def validate_allowed_countries(self, value: list[str]) -> list[str]:
        return country_codes_normalize(value)


class PolicyOut(serializers.Serializer):
    allowed_countries = serializers.ListField(child=serializers.CharField())
    monthly_spend_cap = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    month_estimated_spend = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="USD, this calendar month (UTC), estimated."
    )
    quiet_start_hour = serializers.IntegerField()
    quiet_end_hour = serializers.IntegerField()


def _out(policy, tenant) -> dict:
    return PolicyOut(
        {
            "allowed_countries": policy.allowed_countries,
            "monthly_spend_cap": policy.monthly_spend_cap,
            "month_estimated_spend": month_spend(tenant),
            "quiet_start_hour": policy.quiet_start_hour,
            "quiet_end_hour": policy.quiet_end_hour,
        }
    ).data


class PolicyView(ApiView):
    http_method_names = ["get", "put", "options"]

    def get_permissions(self):
        safe = self.request.method in ("GET", "HEAD", "OPTIONS")
        return [scoped("read" if safe else "policy")()]

    @extend_schema(responses={200: PolicyOut, **errors()})
    def get(self, request):
        return Response(_out(selectors.sending_policy_get(tenant=self.tenant), self.tenant))

    @extend_schema(request=PolicyIn, responses={200: PolicyOut, **errors(*WITH_BODY)})
    def put(self, request):
        data = PolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            policy = services.sending_policy_set(
                tenant=self.tenant, actor=None, **data.validated_data
            )
        except ModelValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(_out(policy, self.tenant))
