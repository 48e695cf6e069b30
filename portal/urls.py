from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from compliance.urls import public_patterns as compliance_public_patterns
from compliance.urls import tenant_patterns as compliance_tenant_patterns
from messaging.api.urls import api_patterns
from messaging.views import tenant_patterns as messaging_tenant_patterns
from messaging.web.urls import tenant_patterns as messaging_web_patterns
from messaging.webhooks_in import sns_delivery_events
from portal.signin import ThrottledPasswordResetView
from portal.views import healthz
from registrations.views import sns_registration_events
from tenants import views as tenant_views
from tenants.api_key_views import api_key_patterns
from tenants.permissions import public_view, user_view
from tenants.urls import tenant_patterns

# Django's admin is for superusers only (data repair); provider staff use /staff/.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "SMS Portal data administration"

account_patterns = [
    path(
        "login/",
        public_view(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", public_view(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/change/",
        user_view(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/change/done/",
        user_view(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        public_view(ThrottledPasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        public_view(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        public_view(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        public_view(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("hooks/sns/registrations/", sns_registration_events, name="sns_registration_events"),
    path("hooks/sns/delivery/", sns_delivery_events, name="sns_delivery_events"),
    path("api/v1/", include(api_patterns)),
    path("accounts/", include(account_patterns)),
    path("tenants/", tenant_views.tenant_choose, name="tenant_choose"),
    path("invitations/<str:token>/", tenant_views.invitation_accept, name="invitation_accept"),
    path("t/<slug:tenant_slug>/compliance/", include(compliance_tenant_patterns)),
    path("t/<slug:tenant_slug>/registrations/", include("registrations.web.urls")),
    path("t/<slug:tenant_slug>/api-keys/", include(api_key_patterns)),
    path("t/<slug:tenant_slug>/sending-policy/", include(messaging_tenant_patterns)),
    path("t/<slug:tenant_slug>/", include(messaging_web_patterns)),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    path("p/<slug:tenant_slug>/", include(compliance_public_patterns)),
    path("staff/", include("staff.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ an error page is the API's JSON error shape; elsewhere the portal's HTML pages.
handler400 = "messaging.api.errors.bad_request"
handler404 = "messaging.api.errors.not_found"
handler500 = "messaging.api.errors.server_error"
