"""The site's URLs. Every URL of one assessment is listed here, whichever app serves it."""

from django.contrib import admin
from django.urls import include, path

from advisor import blind_views as blind
from advisor import pilot_views as pilot
from advisor import views as advisor
from config.health import healthz
from projects.views import LoginView
from reports import views as reports

assessment_urls = (
    [
        path("new/", advisor.assessment_new, name="new"),
        path("import/", advisor.assessment_import, name="import"),
        path("compare/", advisor.assessment_compare, name="compare"),
        path("<int:pk>/", advisor.assessment_resume, name="resume"),
        path("<int:pk>/review/", advisor.assessment_review, name="review"),
        path("<int:pk>/submit/", advisor.assessment_submit, name="submit"),
        path("<int:pk>/result/", advisor.assessment_result, name="result"),
        path("<int:pk>/export/", advisor.assessment_export, name="export"),
        path("<int:pk>/report/", reports.assessment_report, name="report"),
        path("<int:pk>/report/draft/", reports.report_draft, name="report_draft"),
        path(
            "<int:pk>/reports/preview/<slug:variant>/",
            reports.report_preview,
            name="report_preview",
        ),
        path("<int:pk>/pilot/", pilot.pilot_page, name="pilot"),
        path("<int:pk>/pilot/import/", pilot.pilot_import, name="pilot_import"),
        path("<int:pk>/pilot/compare/", pilot.pilot_compare, name="pilot_compare"),
        path("<int:pk>/pilot/kit/", pilot.pilot_kit, name="pilot_kit"),
        path("<int:pk>/pilot/blind/", blind.blind_create, name="blind_create"),
        # Last: any other slug is a step of the questionnaire.
        path("<int:pk>/<slug:step>/", advisor.assessment_step, name="step"),
    ],
    "advisor",
)

# A blind comparison: the agency revokes a link; the client judges through it without a login.
blind_urls = (
    [
        path("blind-comparisons/<int:pk>/revoke/", blind.blind_revoke, name="revoke"),
        path("compare/<str:token>/", blind.blind_start, name="start"),
        path("compare/<str:token>/<int:number>/", blind.blind_pair, name="pair"),
    ],
    "blind",
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("projects/<int:project_pk>/assessments/", include(assessment_urls)),
    # A tab of the organization's settings; the advisor serves it, as the engine's figures.
    path("organization/rates/", advisor.organization_rates, name="organization_rates"),
    path("", include(blind_urls)),
    path("", include("reports.urls")),
    path("", include("projects.urls")),
]
