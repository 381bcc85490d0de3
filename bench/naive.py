"""The naive baseline: tesseract jpn+eng on the raw image, then regexes.

What a first attempt would do: no device/screen detection, no preprocessing, no
screenshot or quality checks. Fields come from the whole-page text: the first Luhn-valid
IMEI, the first date (``domain.dates.find_dates``), the first catalog model
(``ModelCatalog.find_in_text``). Its only flags are the ones text alone can give.
"""

from __future__ import annotations

import io
from typing import Any

from device_intake.domain.catalog import ModelCatalog
from device_intake.domain.dates import find_dates
from device_intake.domain.imei import find_imeis
from PIL import Image, ImageOps

_SUPPORTED = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}


def _image(data: bytes) -> Image.Image | str:
    """The first page as a PIL image, or the reason code why there is none."""
    if data[:5] == b"%PDF-":
        import pypdfium2

        try:
            pdf = pypdfium2.PdfDocument(data)
            return pdf[0].render(scale=150 / 72).to_pil()
        except pypdfium2.PdfiumError:
            return "CORRUPT_FILE"
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
        im = Image.open(io.BytesIO(data))
        fmt = im.format
        im.load()
    except Image.DecompressionBombError:
        return "FILE_TOO_LARGE"
    except (OSError, SyntaxError, ValueError):
        return "CORRUPT_FILE"
    if fmt not in _SUPPORTED:
        return "UNSUPPORTED_FORMAT"
    return ImageOps.exif_transpose(im).convert("RGB")


def inspect(kind: str, data: bytes) -> dict[str, Any]:
    import pytesseract

    img = _image(data)
    fields: dict[str, Any] = {"imei": None, "imeis": [], "purchase_date": None, "model_name": None}
    if isinstance(img, str):
        return {"flags": [img], "fields": fields}
    text = pytesseract.image_to_string(img, lang="jpn+eng")
    imeis = find_imeis(text)
    fields["imeis"] = imeis
    fields["imei"] = imeis[0] if imeis else None
    flags: list[str] = []
    if kind == "front" and not imeis:
        flags.append("IMEI_NOT_FOUND")
    if kind == "proof":
        dates = find_dates(text)
        fields["purchase_date"] = dates[0].date.isoformat() if dates else None
        models = ModelCatalog.load().find_in_text(text)
        fields["model_name"] = models[0].model.name if models else None
        if not dates:
            flags.append("DATE_NOT_FOUND")
        if not models and not imeis:
            flags.append("MODEL_OR_ID_NOT_FOUND")
    return {"flags": flags, "fields": fields}
