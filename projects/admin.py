from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from projects.models import AuditEvent, Client, Invitation, Membership, Organization, Project


class MembershipInline(admin.TabularInline[Membership, Organization]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "brand_color", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "user__username", "organization__name"]
    list_select_related = ["user", "organization"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin[Client]):
    list_display = ["name", "organization", "industry", "contact_email", "archived_at"]
    list_filter = ["organization"]
    search_fields = ["name", "contact_name", "contact_email"]
    list_select_related = ["organization"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ["name", "client", "status", "created_by", "updated_at"]
    list_filter = ["archived_at", "client__organization"]
    search_fields = ["name", "client__name"]
    list_select_related = ["client", "created_by"]
    raw_id_fields = ["client", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return super().get_queryset(request).with_stage()  # type: ignore[attr-defined, no-any-return]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["created_at", "organization", "actor", "action", "target_type", "target_label"]
    list_filter = ["action", "organization"]
    list_select_related = ["organization", "actor"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "organization", "role", "status", "sent_at", "expires_at"]
    list_filter = ["status", "organization"]
    search_fields = ["email", "organization__name"]
    list_select_related = ["organization"]
    # Invitations are sent, answered and withdrawn in the app, where each step is audited.
    readonly_fields = [f.name for f in Invitation._meta.fields]
