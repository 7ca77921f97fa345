from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile

from projects.models import Client, Membership, Organization, Project

LOGO_FORMATS = {"PNG", "JPEG"}
LOGO_MAX_SIDE_PX = 4000


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Email or username",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ClientForm(forms.ModelForm[Client]):
    class Meta:
        model = Client
        fields = ["name", "industry", "contact_name", "contact_email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        duplicates = Client.objects.for_organization(self.organization).filter(name__iexact=name)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError("You already have a client with this name.")
        return name


class ProjectForm(forms.ModelForm[Project]):
    class Meta:
        model = Project
        fields = ["client", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this organization's clients can be chosen: a forged id is "not one of the choices".
        clients = Client.objects.for_organization(organization)
        if self.instance.pk:
            clients = clients.filter(archived_at__isnull=True) | clients.filter(
                pk=self.instance.client_id
            )
        else:
            clients = clients.active()
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False


class OrganizationBrandingForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ["name", "logo", "brand_color", "contact_line", "report_footer"]
        widgets = {
            "brand_color": forms.TextInput(attrs={"type": "color", "class": "form-control-color"})
        }
        help_texts = {"logo": "A PNG or JPEG image, at most 1 MB. Printed on the report cover."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        # A file already stored passes through untouched; only new uploads are inspected.
        if not isinstance(logo, UploadedFile):
            return logo
        if logo.size is not None and logo.size > settings.LOGO_MAX_BYTES:
            raise forms.ValidationError(
                "The logo is larger than 1 MB; please upload a smaller file."
            )
        image = getattr(logo, "image", None)
        if image is None or image.format not in LOGO_FORMATS:
            raise forms.ValidationError("The logo must be a PNG or JPEG image.")
        if max(image.size) > LOGO_MAX_SIDE_PX:
            raise forms.ValidationError(
                f"The logo is too large; keep each side under {LOGO_MAX_SIDE_PX} pixels."
            )
        return logo


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="Colleague's email", max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        return email


class InvitationPasswordForm(SetPasswordMixin[User], forms.Form):
    """The password someone invited chooses for their new account (checked, not yet saved)."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Choose a password", label2="The same password again"
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The validators compare the password with the account it will belong to.
        self.future_user = User(username=email, email=email)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any] | None:
        self.validate_passwords()
        self.validate_password_for_user(self.future_user)
        return super().clean()


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class ProjectFilterForm(forms.Form):
    """The dashboard's search, filters and sort order; invalid values fall back to defaults."""

    SORTS = {
        "-updated": ("-updated_at", "Recently updated"),
        "name": ("name", "Project name"),
        "client": ("client__name", "Client"),
        "status": ("status", "Status"),
        "-created": ("-created_at", "Newest"),
    }

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Active"), *Project.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        required=False,
        empty_label="Any client",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (_, label) in SORTS.items()],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_organization(organization)  # type: ignore[attr-defined]

    def ordering(self) -> tuple[str, str]:
        sort = self.cleaned_data.get("sort") or "-updated"
        return self.SORTS[sort][0], "-pk"
