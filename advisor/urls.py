from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from advisor import views
from projects.views import LoginView

assessment_patterns = (
    [
        path("new/", views.assessment_new, name="new"),
        path("import/", views.assessment_import, name="import"),
        path("compare/", views.assessment_compare, name="compare"),
        path("<int:pk>/", views.assessment_resume, name="resume"),
        path("<int:pk>/review/", views.assessment_review, name="review"),
        path("<int:pk>/submit/", views.assessment_submit, name="submit"),
        path("<int:pk>/result/", views.assessment_result, name="result"),
        path("<int:pk>/export/", views.assessment_export, name="export"),
        path("<int:pk>/<slug:step>/", views.assessment_step, name="step"),
    ],
    "advisor",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("projects/<int:project_pk>/assessments/", include(assessment_patterns)),
    path("", include("reports.urls")),
    path("", include("projects.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
