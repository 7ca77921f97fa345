from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/preview/<slug:variant>/", views.version_preview, name="preview"),
    path("reports/<int:pk>/download/<slug:variant>/", views.report_download, name="download"),
    path(
        "reports/<int:pk>/download/<slug:variant>/<slug:fmt>/",
        views.report_download,
        name="download_as",
    ),
    # A download link from before reports had versions (one PDF per report).
    path("reports/<int:pk>/download/", views.report_download_moved, name="download_moved"),
    path("reports/<int:pk>/status/", views.report_status, name="status"),
    path("reports/<int:pk>/retry/", views.report_render_retry, name="retry"),
    path("reports/<int:pk>/share/", views.share_link_create, name="share"),
    path("reports/links/<int:pk>/revoke/", views.share_link_revoke, name="revoke"),
    path("reports/<int:pk>/email/", views.share_link_email, name="email"),
    path("s/<str:token>/", views.shared_report, name="shared"),
    path(
        "s/<str:token>/view/",
        views.shared_file,
        {"fmt": "pdf", "download": False},
        name="shared_view",
    ),
    path(
        "s/<str:token>/download/<slug:fmt>/",
        views.shared_file,
        {"download": True},
        name="shared_download",
    ),
    path("s/<str:token>/accept/", views.shared_accept, name="shared_accept"),
]
