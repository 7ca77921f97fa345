from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from projects import services
from projects.forms import (
    ARCHIVED,
    ClientForm,
    InvitationPasswordForm,
    LoginForm,
    MemberAddForm,
    MemberRoleForm,
    OrganizationBrandingForm,
    ProfileForm,
    ProjectFilterForm,
    ProjectForm,
)
from projects.http import OrganizationRequest, SignedInRequest, get_for_organization_or_404
from projects.logos import logo_data_uri
from projects.middleware import ACTIVE_ORGANIZATION_SESSION_KEY, last_used
from projects.models import (
    Client,
    Invitation,
    Membership,
    Organization,
    Project,
    ProjectStage,
    job_title,
    person_name,
)

PROJECTS_PER_PAGE = 20
# Only when a colleague archives the client between the form's check and the save.
CLIENT_ARCHIVED = "The client “{name}” was just archived; restore it first, or choose another."

type View = Callable[..., HttpResponse]


def organization_admin_required(view: View) -> View:
    """Only the organization's admins manage its branding and members."""

    @wraps(view)
    def wrapper(request: OrganizationRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.membership.is_admin:
            raise PermissionDenied("Only organization admins can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def dashboard(request: OrganizationRequest) -> HttpResponse:
    organization = request.membership.organization
    form = ProjectFilterForm(request.GET or None, organization=organization)
    projects = (
        Project.objects.for_organization(organization)
        .select_related("client", "created_by")
        .with_stage()
    )
    filters = form.cleaned_data if form.is_valid() else {}
    if query := filters.get("q"):
        projects = projects.filter(Q(name__icontains=query) | Q(client__name__icontains=query))
    status = filters.get("status")
    projects = projects.archived() if status == ARCHIVED else projects.active()
    if status in ProjectStage.values:
        projects = projects.filter(stage=status)  # type: ignore[misc]  # annotated by with_stage()
    if client := filters.get("client"):
        projects = projects.filter(client=client)
    ordering = form.ordering() if filters else ("-last_activity", "-pk")
    page = Paginator(projects.order_by(*ordering), PROJECTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/dashboard.html", {"form": form, "page": page})


def client_list(request: OrganizationRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    clients = Client.objects.for_organization(request.membership.organization).annotate(
        project_count=Count("projects", filter=Q(projects__archived_at__isnull=True))
    )
    clients = clients.filter(archived_at__isnull=not show_archived)
    return render(
        request, "projects/client_list.html", {"clients": clients, "show_archived": show_archived}
    )


def client_create(request: OrganizationRequest) -> HttpResponse:
    organization = request.membership.organization
    form = ClientForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                organization=organization, by=request.user, fields=form.cleaned_data
            )
        except services.ClientNameTaken:
            form.add_error("name", ClientForm.NAME_TAKEN)
        else:
            messages.success(request, f"Client “{client.name}” added.")
            return redirect(client)
    return render(request, "projects/client_form.html", {"form": form})


def client_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    client = get_for_organization_or_404(request, Client.objects.all(), pk=pk)
    projects = client.projects.select_related("created_by").with_stage()
    projects = projects.order_by("-last_activity", "-pk")  # type: ignore[misc]  # by with_stage()
    return render(request, "projects/client_detail.html", {"client": client, "projects": projects})


def client_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    organization = request.membership.organization
    client = get_for_organization_or_404(request, Client.objects.all(), pk=pk)
    # The form checks a copy, so the page keeps the saved name if what was typed is refused.
    checked = Client.objects.get(pk=client.pk)
    form = ClientForm(request.POST or None, instance=checked, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.client_update(client=client, by=request.user, fields=form.cleaned_data)
        except services.ClientNameTaken:
            form.add_error("name", ClientForm.NAME_TAKEN)
        else:
            messages.success(request, f"Client “{saved.name}” saved.")
            return redirect(saved)
    return render(request, "projects/client_form.html", {"form": form, "client": client})


@require_POST
def client_archive(request: OrganizationRequest, pk: int) -> HttpResponse:
    client = get_for_organization_or_404(request, Client.objects.all(), pk=pk)
    services.client_archive(client=client, by=request.user)
    messages.success(request, f"Client “{client.name}” and its projects archived.")
    return redirect(client)


@require_POST
def client_restore(request: OrganizationRequest, pk: int) -> HttpResponse:
    client = get_for_organization_or_404(request, Client.objects.all(), pk=pk)
    services.client_restore(client=client, by=request.user)
    messages.success(request, f"Client “{client.name}” restored.")
    return redirect(client)


def project_create(request: OrganizationRequest) -> HttpResponse:
    organization = request.membership.organization
    initial = (
        {"client": request.GET.get("client")} if request.GET.get("client", "").isdigit() else {}
    )
    form = ProjectForm(request.POST or None, initial=initial, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                organization=organization, by=request.user, fields=form.cleaned_data
            )
        except services.ClientArchived as archived:
            form.add_error("client", CLIENT_ARCHIVED.format(name=archived.client.name))
        else:
            messages.success(request, f"Project “{project.name}” created.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form})


def project_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    project = get_for_organization_or_404(
        request, Project.objects.select_related("client", "created_by").with_stage(), pk=pk
    )
    # The assessments and their reports belong to the other apps; the page reads them through
    # the reverse relations, so this app imports neither.
    assessments = list(
        project.assessments.select_related("updated_by").prefetch_related("reports__finalised_by")
    )
    submitted = [a for a in assessments if not a.is_draft]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "assessments": assessments,
            "draft": next((a for a in assessments if a.is_draft), None),
            "can_compare": len(submitted) >= 2,
            "reports": sorted(
                (report for a in assessments for report in a.reports.all()),
                key=lambda report: (report.created_at, report.pk),
                reverse=True,
            ),
        },
    )


def project_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    organization = request.membership.organization
    project = get_for_organization_or_404(request, Project.objects.all(), pk=pk)
    form = ProjectForm(request.POST or None, instance=project, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.project_update(
                project=project, by=request.user, fields=form.cleaned_data
            )
        except services.ClientArchived as archived:
            form.add_error("client", CLIENT_ARCHIVED.format(name=archived.client.name))
        else:
            messages.success(request, f"Project “{saved.name}” saved.")
            return redirect(saved)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@require_POST
def project_archive(request: OrganizationRequest, pk: int) -> HttpResponse:
    project = get_for_organization_or_404(request, Project.objects.all(), pk=pk)
    services.project_archive(project=project, by=request.user)
    messages.success(request, f"Project “{project.name}” archived.")
    return redirect(project)


@require_POST
def project_restore(request: OrganizationRequest, pk: int) -> HttpResponse:
    project = get_for_organization_or_404(request, Project.objects.all(), pk=pk)
    try:
        services.project_restore(project=project, by=request.user)
    except services.ClientArchived as archived:
        messages.error(request, f"Restore the client “{archived.client.name}” first.")
    else:
        messages.success(request, f"Project “{project.name}” restored.")
    return redirect(project)


class LoginView(auth_views.LoginView):
    """Log in with email or username, and start in the organization the user last worked in."""

    authentication_form = LoginForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if memberships := list(Membership.objects.for_user(self.request.user)):
            # Pinned for this session: switching on another device must not move it.
            self.request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = last_used(
                memberships
            ).organization_id
        return response


@require_POST
def organization_switch(request: OrganizationRequest) -> HttpResponse:
    wanted = request.POST.get("organization", "")
    membership = next((m for m in request.memberships if str(m.organization_id) == wanted), None)
    if membership is None:
        messages.error(request, "You are not a member of that organization.")
    else:
        services.membership_activate(membership=membership)
        request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
        messages.success(request, f"Switched to {membership.organization.name}.")
    return redirect("projects:dashboard")


def organization_leave(request: OrganizationRequest) -> HttpResponse:
    membership = request.membership
    if request.method == "POST":
        try:
            services.member_leave(membership=membership)
        except services.LastAdminError as error:
            messages.error(request, str(error))
            return redirect("projects:organization_leave")
        request.session.pop(ACTIVE_ORGANIZATION_SESSION_KEY, None)
        messages.success(request, f"You left {membership.organization.name}.")
        return redirect("projects:dashboard")
    return render(
        request, "projects/organization_leave.html", {"only_admin": membership.is_only_admin()}
    )


@organization_admin_required
def organization_settings(request: OrganizationRequest) -> HttpResponse:
    organization = request.membership.organization
    # The form checks a copy, so the page keeps the saved name and logo if the input is refused.
    checked = Organization.objects.get(pk=organization.pk)
    form = OrganizationBrandingForm(request.POST or None, request.FILES or None, instance=checked)
    if request.method == "POST" and form.is_valid():
        services.organization_update_branding(
            organization=organization, by=request.user, fields=form.cleaned_data
        )
        messages.success(request, "Branding saved. New reports will use it.")
        return redirect("projects:organization_settings")
    # Inlined: media files are not served by the app, and img-src allows data: URLs.
    context = {"form": form, "logo": logo_data_uri(organization)}
    return render(request, "projects/organization_settings.html", context)


@organization_admin_required
def member_list(request: OrganizationRequest) -> HttpResponse:
    organization = request.membership.organization
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.invitation_send(
                organization=organization,
                email=email,
                role=form.cleaned_data["role"],
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except services.InvitationRefused as error:
            form.add_error("email", str(error))
        except services.InvitationNotSent:
            messages.error(request, unsent_message(email, "no invitation was made"))
        else:
            # The same words whether or not the address has an account: nothing is revealed.
            messages.success(request, f"Invitation sent to {email}. They join once they accept it.")
            return redirect("projects:member_list")
    context = {
        "form": form,
        "members": sorted(
            organization.memberships.select_related("user__profile"),
            key=lambda member: (person_name(member.user).casefold(), member.pk),
        ),
        "invitations": organization.invitations.pending().select_related("invited_by"),
        "roles": Membership.Role.choices,
    }
    return render(request, "projects/member_list.html", context)


def unsent_message(email: str, consequence: str) -> str:
    return (
        f"We could not send the invitation email to {email}, so {consequence}. "
        "Please check the address and try again in a few minutes."
    )


@require_POST
@organization_admin_required
def member_change_role(request: OrganizationRequest, pk: int) -> HttpResponse:
    membership = get_for_organization_or_404(
        request, Membership.objects.select_related("user", "organization"), pk=pk
    )
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: admin or member.")
    else:
        try:
            services.member_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except services.LastAdminError as error:
            messages.error(request, str(error))
        else:
            role = membership.get_role_display().lower()
            messages.success(request, f"{person_name(membership.user)} is now {role}.")
    return redirect("projects:member_list")


@require_POST
@organization_admin_required
def member_remove(request: OrganizationRequest, pk: int) -> HttpResponse:
    membership = get_for_organization_or_404(
        request, Membership.objects.select_related("user", "organization"), pk=pk
    )
    try:
        services.member_remove(membership=membership, by=request.user)
    except services.LastAdminError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person_name(membership.user)} removed from the organization.")
    return redirect("projects:member_list")


@require_POST
@organization_admin_required
def invitation_resend(request: OrganizationRequest, pk: int) -> HttpResponse:
    invitation = get_for_organization_or_404(request, Invitation.objects.all(), pk=pk)
    try:
        services.invitation_resend(
            invitation=invitation, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except services.InvitationUnavailable as error:
        messages.error(request, str(error))
    except services.InvitationNotSent:
        messages.error(request, unsent_message(invitation.email, "the invitation is unchanged"))
    else:
        messages.success(request, f"Invitation sent again to {invitation.email}, with a new link.")
    return redirect("projects:member_list")


@require_POST
@organization_admin_required
def invitation_revoke(request: OrganizationRequest, pk: int) -> HttpResponse:
    invitation = get_for_organization_or_404(request, Invitation.objects.all(), pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except services.InvitationUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("projects:member_list")


def invitation_list(request: SignedInRequest) -> HttpResponse:
    return render(request, "projects/invitation_list.html")


@require_POST
def invitation_accept(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.addressed_to(request.user), pk=pk)
    try:
        membership = services.invitation_accept(invitation=invitation, user=request.user)
    except services.InvitationUnavailable as error:
        messages.error(request, str(error))
        return redirect("projects:invitation_list")
    request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
    messages.success(
        request, f"Welcome to {membership.organization.name}: you are working in it now."
    )
    return redirect("projects:dashboard")


@require_POST
def invitation_decline(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.addressed_to(request.user).select_related("organization"), pk=pk
    )
    try:
        services.invitation_decline(invitation=invitation, user=request.user)
    except services.InvitationUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You declined the invitation to {invitation.organization.name}.")
    return redirect(
        "projects:invitation_list" if request.membership is None else "projects:dashboard"
    )


@login_not_required
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email: accept or decline, signing in or signing up first."""
    invitation = (
        Invitation.objects.with_token(token).select_related("organization", "invited_by").first()
    )
    if invitation is None or not invitation.is_open():
        status = 404 if invitation is None else 410
        return render(
            request, "projects/invitation_open.html", {"invitation": invitation}, status=status
        )
    context: dict[str, object] = {"invitation": invitation}
    if request.user.is_authenticated:
        context["for_someone_else"] = request.user.email.lower() != invitation.email
        return render(request, "projects/invitation_open.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["needs_login"] = True
        return render(request, "projects/invitation_open.html", context)
    form = InvitationPasswordForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        return invitation_answer_as_newcomer(request, token, invitation, form)
    context["form"] = form
    return render(request, "projects/invitation_open.html", context)


def invitation_answer_as_newcomer(
    request: HttpRequest, token: str, invitation: Invitation, form: InvitationPasswordForm
) -> HttpResponse:
    """Someone without an account declines, or chooses a password and joins."""
    try:
        if request.POST.get("answer") == "decline":
            services.invitation_decline(invitation=invitation, user=None)
            messages.success(
                request, f"You declined the invitation to {invitation.organization.name}."
            )
            return redirect("login")
        if not form.is_valid():
            return render(
                request, "projects/invitation_open.html", {"invitation": invitation, "form": form}
            )
        membership = services.invitation_accept_as_new_account(
            invitation=invitation,
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field, problems)
        return render(
            request, "projects/invitation_open.html", {"invitation": invitation, "form": form}
        )
    except services.InvitationUnavailable as error:
        messages.error(request, str(error))
        return redirect("projects:invitation_open", token=token)
    login(request, membership.user, backend="projects.backends.EmailOrUsernameBackend")
    request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
    messages.success(
        request,
        f"Welcome to {membership.organization.name}. Next time, log in with {invitation.email}.",
    )
    return redirect("projects:dashboard")


def profile(request: SignedInRequest) -> HttpResponse:
    """The signed-in user's name and job title, as colleagues and client reports show them."""
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = ProfileForm(request.POST or None, initial={**initial, "job_title": job_title(user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field, problems)
        else:
            messages.success(request, "Profile saved. Your name shows like this from now on.")
            return redirect("projects:profile")
    return render(request, "projects/profile.html", {"form": form})


AUDIT_EVENTS_PER_PAGE = 50


@organization_admin_required
def audit_log(request: OrganizationRequest) -> HttpResponse:
    events = request.membership.organization.audit_events.select_related("actor")
    page = Paginator(events, AUDIT_EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/audit_log.html", {"page": page})
