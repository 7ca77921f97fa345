"""Agency logos: every upload is re-drawn from its pixels, and shown inline wherever it appears.

What is stored is never the uploaded file: the pixels are decoded and encoded again, so nothing
else in the file survives (data appended after the image, EXIF such as where a photo was taken,
colour profiles, comments). A PNG stays a PNG (logos are mostly flat graphics, often with
transparency) and a JPEG stays a JPEG (mostly photos, which PNG would make large); anything
wider or taller than `LOGO_STORED_MAX_PX` is scaled down. The file is named by its content.
"""

import base64
import hashlib
import io
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from projects.models import Organization

LOGO_FORMATS = {"PNG", "JPEG"}
# Uploads larger than this are refused before their pixels are decoded.
LOGO_MAX_SIDE_PX = 4000
# The report cover prints the logo at most 70 mm wide: 1000 pixels is over 300 dpi there.
LOGO_STORED_MAX_PX = 1000
JPEG_QUALITY = 90
# Pillow warns above about 89 million pixels and refuses above twice that; both are refused.
DECOMPRESSION_BOMBS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class UnreadableLogo(ValueError):
    """The upload's pixels could not be decoded."""


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info


def logo_reencode(data: bytes) -> ContentFile[bytes]:
    """A clean PNG or JPEG copy of the uploaded image, named `<content hash>.<png|jpg>`.

    Raises `UnreadableLogo` if the pixels cannot be decoded, and Pillow's decompression bomb
    error if the image has far too many pixels (its warning is raised as an error here too).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as upload:
                source_format = upload.format
                transparent = _has_transparency(upload)
                # Turn the pixels upright first: the orientation tag goes with the rest of EXIF.
                image = ImageOps.exif_transpose(upload)
        except DECOMPRESSION_BOMBS:
            raise
        except Exception as error:  # a broken file can fail in many ways inside Pillow
            raise UnreadableLogo(str(error)) from error
    options: dict[str, int] = {}
    if source_format == "JPEG":
        fmt, extension, options = "JPEG", "jpg", {"quality": JPEG_QUALITY}
        mode = "L" if image.mode == "L" else "RGB"
    else:
        fmt, extension = "PNG", "png"
        mode = "RGBA" if transparent else "L" if image.mode in {"1", "L"} else "RGB"
    image = image.convert(mode)
    image.thumbnail((LOGO_STORED_MAX_PX, LOGO_STORED_MAX_PX), Image.Resampling.LANCZOS)
    image.info.clear()  # no EXIF, ICC profile, text chunks or comments are written back
    out = io.BytesIO()
    image.save(out, format=fmt, optimize=True, **options)
    content = out.getvalue()
    return ContentFile(content, name=f"{hashlib.sha256(content).hexdigest()[:32]}.{extension}")


def logo_data_uri(organization: Organization) -> str:
    """The agency's logo inlined as a data: URL, for the report (which never fetches anything)
    and the settings page (media files are not served by the app)."""
    if not organization.logo:
        return ""
    try:
        with organization.logo.open("rb") as logo:
            data = logo.read()
    except OSError:
        return ""  # a missing file must not stop the page; the name is shown instead
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
