from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/download/", views.report_download, name="download"),
    path("reports/<int:pk>/share/", views.share_link_create, name="share"),
    path("reports/links/<int:pk>/revoke/", views.share_link_revoke, name="revoke"),
    path("s/<str:token>/", views.shared_report, name="shared"),
]
