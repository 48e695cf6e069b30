from django.urls import path

from tenants import views

tenant_patterns = [
    path("", views.tenant_dashboard, name="tenant_dashboard"),
    path("profile/", views.business_profile_detail, name="business_profile_detail"),
    path("profile/edit/", views.business_profile_edit, name="business_profile_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/invite/", views.invitation_create, name="invitation_create"),
    path("members/<int:pk>/role/", views.membership_role_change, name="membership_role_change"),
    path("members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/read/", views.notice_mark_read, name="notice_mark_read"),
]
