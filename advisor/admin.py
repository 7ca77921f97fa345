from django.contrib import admin

from advisor.models import Assessment


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    list_display = ["__str__", "status", "ruleset_version", "updated_at"]
    list_filter = ["status", "ruleset_version"]
    search_fields = ["project__name", "project__client__name"]
    raw_id_fields = ["project", "based_on", "created_by", "updated_by", "submitted_by"]
    readonly_fields = ["version"]
