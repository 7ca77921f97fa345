import unicodedata
import warnings
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from projects.logos import (
    DECOMPRESSION_BOMBS,
    LOGO_FORMATS,
    LOGO_MAX_SIDE_PX,
    LOGO_STORED_MAX_PX,
    UnreadableLogo,
    logo_reencode,
)
from projects.models import Client, Membership, Organization, Profile, Project, ProjectStage
from projects.validators import ONE_LINE

TOO_MANY_PIXELS = (
    f"The logo has too many pixels to open safely; keep each side under {LOGO_MAX_SIDE_PX} pixels."
)


class ComposedCharField(forms.CharField):
    """Text in composed form (NFC): "é" typed as e + accent and as one letter are the same name."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return unicodedata.normalize("NFC", text) if text else text


class LogoField(forms.ImageField):
    """An image upload that names a decompression bomb as such (Django calls it "not an image")."""

    def to_python(self, data: Any) -> Any:
        with warnings.catch_warnings():
            # Pillow only warns up to twice its pixel limit; an upload that big is refused too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                return super().to_python(data)
            except forms.ValidationError as error:
                if isinstance(error.__cause__, DECOMPRESSION_BOMBS):
                    raise forms.ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from error
                raise


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Email or username",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ClientForm(forms.ModelForm[Client]):
    NAME_TAKEN = "You already have a client with this name."

    class Meta:
        model = Client
        fields = ["name", "industry", "contact_name", "contact_email", "notes"]
        field_classes = dict.fromkeys(
            ["name", "industry", "contact_name", "notes"], ComposedCharField
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        duplicates = Client.objects.for_organization(self.organization).named(name)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(self.NAME_TAKEN, code="unique")
        return name


class ProjectForm(forms.ModelForm[Project]):
    class Meta:
        model = Project
        fields = ["client", "name", "description"]
        field_classes = dict.fromkeys(["name", "description"], ComposedCharField)
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
    # Instead of the clearable input, which links to the stored file (media is not served).
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    class Meta:
        model = Organization
        fields = ["name", "logo", "brand_color", "contact_line", "website", "report_footer"]
        field_classes = {
            **dict.fromkeys(["name", "contact_line", "report_footer"], ComposedCharField),
            "logo": LogoField,
        }
        widgets = {
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
            "brand_color": forms.TextInput(attrs={"type": "color", "class": "form-control-color"}),
        }
        help_texts = {
            "logo": (
                "A PNG or JPEG image, at most 1 MB, printed on the report cover. We keep a clean "
                f"copy at most {LOGO_STORED_MAX_PX} pixels a side, without hidden details such "
                "as where a photo was taken."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.logo:
            self.order_fields(["name", "logo", "remove_logo"])
        else:
            del self.fields["remove_logo"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        # The box is an instruction about the logo, not a detail of the organization: it turns
        # into the logo's value. A new upload replaces the logo anyway; otherwise the box clears it.
        if cleaned_data.pop("remove_logo", False) and "logo" not in self.files:
            cleaned_data["logo"] = False
        return cleaned_data

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
        logo.seek(0)
        try:
            return logo_reencode(logo.read())
        except DECOMPRESSION_BOMBS as error:
            raise forms.ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from error
        except UnreadableLogo as error:
            raise forms.ValidationError(
                "The logo could not be read; it may be damaged. Please export it again as a "
                "PNG or JPEG.",
                code="invalid_image",
            ) from error


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


def name_fields() -> tuple[forms.CharField, forms.CharField]:
    """A person's first and last name, as the account keeps them (150 characters, one line)."""
    first_name = ComposedCharField(
        label="First name",
        max_length=150,
        validators=[ONE_LINE],
        error_messages={
            "required": "Enter your first name, as colleagues and clients should see it."
        },
    )
    last_name = ComposedCharField(
        label="Last name", max_length=150, validators=[ONE_LINE], required=False
    )
    first_name.widget.attrs["autocomplete"] = "given-name"
    last_name.widget.attrs["autocomplete"] = "family-name"
    return first_name, last_name


class ProfileForm(forms.Form):
    """The signed-in user's name and job title."""

    first_name, last_name = name_fields()
    job_title = ComposedCharField(
        label="Job title",
        max_length=Profile._meta.get_field("job_title").max_length,
        validators=[ONE_LINE],
        required=False,
        help_text=Profile._meta.get_field("job_title").help_text,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job_title"].widget.attrs["autocomplete"] = "organization-title"
        self.helper = FormHelper()
        self.helper.form_tag = False


class InvitationPasswordForm(SetPasswordMixin[User], forms.Form):
    """The name and password someone invited chooses for their new account (checked, not yet
    saved)."""

    first_name, last_name = name_fields()
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Choose a password", label2="The same password again"
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The validators compare the password with the account it will belong to.
        self.future_user = User(username=email, email=email)
        self.order_fields(["first_name", "last_name", "password1", "password2"])
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any] | None:
        self.future_user.first_name = self.cleaned_data.get("first_name", "")
        self.future_user.last_name = self.cleaned_data.get("last_name", "")
        self.validate_passwords()
        self.validate_password_for_user(self.future_user)
        return super().clean()


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


ARCHIVED = "archived"


class ProjectFilterForm(forms.Form):
    """The dashboard's search, filters and sort order; invalid values fall back to defaults."""

    SORTS = {
        "-updated": ("-last_activity", "Recently updated"),
        "name": ("name", "Project name"),
        "client": ("client__name", "Client"),
        "status": ("stage", "Status"),
        "-created": ("-created_at", "Newest"),
    }

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Active"), *ProjectStage.choices, (ARCHIVED, "Archived")],
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
