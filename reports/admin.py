from django.contrib import admin

from reports.models import NextStep, Report, ReportFile, ShareLink


class NextStepInline(admin.TabularInline[NextStep, Report]):
    model = NextStep
    extra = 0


class ReportFileInline(admin.TabularInline[ReportFile, Report]):
    model = ReportFile
    extra = 0
    can_delete = False
    readonly_fields = ["variant", "format", "file", "checksum", "size", "page_count"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["__str__", "status", "finalised_at", "updated_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "finalised_at", "finalised_by"]
    raw_id_fields = ["assessment", "created_by"]
    inlines = [NextStepInline, ReportFileInline]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin[ShareLink]):
    list_display = ["report", "variant", "expires_at", "revoked_at", "view_count", "created_at"]
    raw_id_fields = ["report", "created_by"]
