from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/archive/", views.client_archive, name="client_archive"),
    path("clients/<int:pk>/restore/", views.client_restore, name="client_restore"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("projects/<int:pk>/restore/", views.project_restore, name="project_restore"),
    path("organization/", views.organization_settings, name="organization_settings"),
    path("organization/switch/", views.organization_switch, name="organization_switch"),
    path("organization/members/", views.member_list, name="member_list"),
    path("organization/audit/", views.audit_log, name="audit_log"),
    path(
        "organization/members/<int:pk>/role/", views.member_change_role, name="member_change_role"
    ),
    path("organization/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "organization/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organization/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organization/leave/", views.organization_leave, name="organization_leave"),
    path("profile/", views.profile, name="profile"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    # The link in the invitation email; it works without an account, like a report share link.
    path("join/<str:token>/", views.invitation_open, name="invitation_open"),
]
