from django.contrib import admin

from reports.models import Report, ShareLink


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["__str__", "variant", "template_version", "size", "page_count", "created_at"]
    list_filter = ["variant", "template_version"]
    readonly_fields = ["checksum", "size", "page_count", "file"]
    raw_id_fields = ["assessment", "generated_by"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin[ShareLink]):
    list_display = ["report", "expires_at", "revoked_at", "view_count", "created_at"]
    raw_id_fields = ["report", "created_by"]
