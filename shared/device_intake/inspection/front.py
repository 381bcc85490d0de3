"""Front photo: the device, powered on, its IMEI / serial on screen, whole, not a screenshot.

Pipeline (see ``docs/vision.md``): quality on a ~1000 px copy → device and screen geometry
→ screenshot score → perspective-correct the screen at full resolution → OCR the screen
(layout pass, then IMEI rows re-read) → flags. Seed 000 lists what operators reject by
hand: screenshots, the back shown, part of the device, a box or contract papers.
"""

from __future__ import annotations

import logging
import os

import cv2
import numpy as np

from device_intake.domain.documents import DocumentFields, DocumentKind, InspectionResult
from device_intake.domain.imei import mask
from device_intake.domain.reasons import ReasonCode
from device_intake.inspection import quality
from device_intake.inspection.device import (
    GEOMETRY_LONG_SIDE,
    HOME_ICONS,
    PANEL_CUT,
    DeviceFinding,
    Photo,
    Region,
    find_device,
    home_screen_icons,
    panel_on_cut_screen,
    polygon_box,
    read_face,
    rectify,
    unwarp_points,
)
from device_intake.inspection.ocr import OcrEngine, OcrUnavailableError, second_reader
from device_intake.inspection.screen_text import ScreenText, read_screen, read_screen_second
from device_intake.inspection.screenshot import score_screenshot

log = logging.getLogger(__name__)

# The rectified screen is never larger than this (long side): enough for 40 px digits.
MAX_SCREEN_LONG_SIDE = 2600
# A device outline covering more of the photo than this is "the screen fills the frame".
FILLS_FRAME = 0.88
# face_detail from which a face without glass border and with a box's aspect is a box.
BOX_FACE_DETAIL = 12.0
# Screen text (median glyph px, rectified) under which a screen where tesseract read no
# IMEI is read once more by the second engine. Dev fronts it saved: 8 px under moiré, and
# 13-17 px on perspective-tilted noisy photos (labels half read, digits garbage).
SECOND_LOOK_TEXT_PX = 20.0


def _rect_points(box: tuple[float, float, float, float]) -> np.ndarray:
    x, y, w, h = box
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)


def _fills_frame(finding: DeviceFinding) -> bool:
    dev = finding.device
    return dev is not None and dev.area_fraction > FILLS_FRAME


def _screen_plausible(finding: DeviceFinding) -> bool:
    """Show a screen box only when it is a clean quad inside the device outline."""
    scr, dev = finding.screen, finding.device
    if scr is None or dev is None or scr.fill < 0.9:
        return False
    outline = dev.quad.reshape(-1, 1, 2).astype(np.float32)
    tolerance = 0.02 * max(dev.size)
    return all(
        cv2.pointPolygonTest(outline, (float(x), float(y)), True) > -tolerance for x, y in scr.quad
    )


def _ocr_region(finding: DeviceFinding) -> Region | None:
    """The quad to rectify for OCR: the device outline.

    The screen lies in the same plane, so the device's perspective fixes it as well, and
    the device outline (a crisp edge against the background) is fitted more reliably than
    the screen's (which dissolves into the black glass on a dark-mode screen).
    """
    return finding.device


def inspect_front(doc: Photo, ocr: OcrEngine) -> InspectionResult:
    """Inspect a front photo; never raises for a bad photo (flags say what is wrong)."""
    image = doc.image
    h, w = image.shape[:2]
    result = InspectionResult(kind=DocumentKind.FRONT, image_size=(w, h), engine=ocr.name)
    small, scale = quality.downscale(image, GEOMETRY_LONG_SIDE)
    gray_small = quality.to_gray(small)
    light = quality.brightness(gray_small)
    finding = find_device(image, small, scale)
    verdict = score_screenshot(
        image,
        exif=doc.exif,
        file_format=doc.format,
        original_size=doc.original_size,
        device_found=finding.device is not None,
        device_fills_frame=_fills_frame(finding),
        device_quad=finding.device.quad if finding.device is not None else None,
        sharpness=quality.edge_sharpness(gray_small),
    )
    flags: list[ReasonCode] = []
    if verdict.is_screenshot:
        flags.append(ReasonCode.SCREENSHOT)
    if verdict.uncertain:
        result.uncertain.append(f"screenshot_score={verdict.score:.2f}")

    # --- what to read: the rectified screen of a photo, or the whole screenshot
    if verdict.is_screenshot or finding.device is None:
        region = None
        screen = quality.to_gray(image)
        matrix = np.eye(3, dtype=np.float64)
    else:
        region = _ocr_region(finding)
        assert region is not None
        warped, matrix = rectify(image, region.quad, max_long_side=MAX_SCREEN_LONG_SIDE)
        screen = quality.to_gray(warped)
        result.boxes.append(polygon_box("device", finding.device.quad))
        if _screen_plausible(finding):
            assert finding.screen is not None
            result.boxes.append(polygon_box("screen", finding.screen.quad))

    if light.too_dark and not verdict.is_screenshot:
        # Nothing to read in a photo this dark (TOO_DARK says what to do); OCR of sensor
        # noise takes tesseract tens of seconds.
        text = _Upright(ScreenText(lines=[], scale=1.0, text_height=0.0), 0, np.eye(3))
    else:
        text = _read_upright(screen, ocr)
    if text.rotation:
        matrix = text.rotation_matrix @ matrix
    _fill_fields(result, text.screen, matrix)

    # --- photo defects (not meaningful for a screenshot)
    if not verdict.is_screenshot:
        photo_flags = _photo_flags(
            finding, light, gray_small, text.screen, scale, image, _id_points(result)
        )
        explained = any(f in photo_flags for f in (*_NO_IMEI_EXPECTED, *_UNREADABLE_DIGITS))
        again = text
        if region is not None and not explained:
            # Nothing read (or only digits failing the check) and no defect to tell the
            # subscriber: worth a second engine before answering IMEI_NOT_FOUND (or
            # IMEI_CHECKSUM_INVALID); so is IMEI1's row when only IMEI2 was read.
            # (Neither first reading was turned: ``matrix`` is the screen's own.)
            if _second_look_needed(text.screen, ocr):
                again = _second_look(screen, ocr, text)
            elif _first_row_missed(text, ocr):
                again = _second_look(screen, ocr, text, more_imeis=True)
        if again is not text:
            text = again
            result.boxes = [b for b in result.boxes if b.label not in ("imei_row", "serial_row")]
            _fill_fields(result, text.screen, matrix)
            photo_flags = _photo_flags(
                finding, light, gray_small, text.screen, scale, image, _id_points(result)
            )
        flags.extend(photo_flags)
    screen_text = text.screen
    if screen_text.invalid_imei_rows and not result.fields.imei:
        # Digits that fail the check digit on a cut, dark, blurred or coarse photo are a
        # misreading the retake fixes, not evidence of a wrong IMEI: one message.
        if not any(f in flags for f in _UNREADABLE_DIGITS):
            flags.append(ReasonCode.IMEI_CHECKSUM_INVALID)
    elif (
        not result.fields.imei
        and not result.fields.serial
        and not any(f in flags for f in _NO_IMEI_EXPECTED)
    ):
        flags.append(ReasonCode.IMEI_NOT_FOUND)
    if screen_text.corrected or screen_text.first_row_unread:
        result.uncertain.append("imei")
    result.flags = _ordered(flags)
    result.engine = "+".join(sorted(screen_text.engines)) or ocr.name
    log.info(
        "front inspected flags=%s imei=%s serial=%s screenshot_score=%.2f",
        ",".join(result.flags) or "-",
        mask(result.fields.imei),
        "yes" if result.fields.serial else "no",
        verdict.score,
    )
    return result


# Flags that explain the missing IMEI by themselves: adding IMEI_NOT_FOUND would send the
# subscriber two messages for one mistake.
_NO_IMEI_EXPECTED = (
    ReasonCode.BACK_SIDE_SHOWN,
    ReasonCode.WRONG_SUBJECT,
    ReasonCode.TOO_DARK,
    ReasonCode.BLURRY,
    ReasonCode.LOW_RESOLUTION,
)


# Photo defects that make digits on the screen unreliable.
_UNREADABLE_DIGITS = (
    ReasonCode.PARTIAL_FRAME,
    ReasonCode.TOO_DARK,
    ReasonCode.BLURRY,
    ReasonCode.LOW_RESOLUTION,
)


class _Upright:
    def __init__(self, screen: ScreenText, rotation: int, rotation_matrix: np.ndarray):
        self.screen = screen
        self.rotation = rotation
        self.rotation_matrix = rotation_matrix


def _rotation_matrix(k: int, w: int, h: int) -> np.ndarray:
    """Matrix mapping points of an image (w x h) into it rotated by k x 90° clockwise."""
    if k % 4 == 1:  # clockwise: (x, y) -> (h-1-y, x)
        return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    if k % 4 == 3:  # counter-clockwise: (x, y) -> (y, w-1-x)
        return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=np.float64)
    if k % 4 == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=np.float64)
    return np.eye(3, dtype=np.float64)


def _read_upright(screen: np.ndarray, ocr: OcrEngine) -> _Upright:
    """OCR the screen; if nothing labelled is found and the screen is landscape, try it turned."""
    first = read_screen(screen, ocr)
    if first.imeis or first.serial or first.invalid_imei_rows:
        return _Upright(first, 0, np.eye(3))
    h, w = screen.shape[:2]
    if w <= h * 1.15:
        return _Upright(first, 0, np.eye(3))
    best = first
    best_k = 0
    for k in (1, 3):
        turned = np.ascontiguousarray(np.rot90(screen, -k))  # rot90 is counter-clockwise
        attempt = read_screen(turned, ocr)
        if attempt.imeis or attempt.serial or attempt.invalid_imei_rows:
            best, best_k = attempt, k
            break
    return _Upright(best, best_k, _rotation_matrix(best_k, w, h))


def _id_points(result: InspectionResult) -> list[tuple[float, float]]:
    """Centres of the IMEI / serial rows read, in photo pixels."""
    return [
        tuple(np.mean(np.asarray(b.points), axis=0))
        for b in result.boxes
        if b.label in ("imei_row", "serial_row")
    ]


def _fallback_allowed(ocr: OcrEngine) -> bool:
    if os.environ.get("DEVICE_INTAKE_SCREEN_FALLBACK", "rapidocr").strip().lower() == "none":
        return False
    return getattr(ocr, "name", "") in ("tesseract", "hybrid")


def _second_look_needed(text: ScreenText, ocr: OcrEngine) -> bool:
    """Tesseract read no IMEI on a photographed screen whose text is small, found an IMEI
    label and could not read its digits, or read only digits that fail the check digit.

    Below ~12 px (rectified) and under moiré tesseract's layout pass returns garbage even
    for the labels; up to ~17 px on a tilted, noisy photo it reads the labels but not the
    digits. RapidOCR still reads the rows (~2.5 s on one core, on this path only).
    Off with ``DEVICE_INTAKE_SCREEN_FALLBACK=none``; only for the tesseract engines
    (a RapidOCR engine has had its look already).
    """
    if not _fallback_allowed(ocr):
        return False
    if text.imeis:
        return False
    if text.invalid_imei_rows:
        # One misread digit fails the check: before the subscriber is told that the IMEI
        # is invalid, a second reading (dev sweep seed 905094: tesseract misread IMEI1).
        return True
    # An IMEI label whose digits tesseract could not read is no reason to stop: the
    # second engine reads the digits — at any text size (glare and moiré over large
    # digits, dev-901021: "IMEI 35 72766. |" at 38 px), and even with the serial read
    # (the IMEI shown may be wrong, and a serial alone passes the front).
    small = 0 < text.text_height < SECOND_LOOK_TEXT_PX
    return bool(text.unread_rows) or (small and not text.serial)


def _first_row_missed(text: _Upright, ocr: OcrEngine) -> bool:
    """Tesseract read an IMEI, but IMEI1's row above it failed or was never seen (the one
    read is labelled IMEI2): we would report IMEI2 as the IMEI. Dev sweep cache: 2 of the
    4 wrong IMEIs on 440 acceptable fronts were IMEI2 read alone, a third had IMEI1's row
    misread and IMEI2 misread into another valid number."""
    if not _fallback_allowed(ocr) or text.rotation:
        return False
    return bool(text.screen.imeis) and text.screen.first_row_unread


def _second_look(
    screen: np.ndarray, ocr: OcrEngine, first: _Upright, *, more_imeis: bool = False
) -> _Upright:
    """The second engine's reading, when it found something (``more_imeis``: more valid
    IMEIs than the first reading — both rows where tesseract had one)."""
    try:
        reader = second_reader(ocr)
    except OcrUnavailableError:
        return first
    if reader is None:
        return first
    again = read_screen_second(screen, reader, ocr, text_height=first.screen.text_height)
    if more_imeis:
        if len(again.imeis) > len(first.screen.imeis):
            log.info("screen re-read by the second engine: IMEI1's row was not read")
            return _Upright(again, 0, np.eye(3))
        return first
    if (
        again.imeis
        or again.invalid_imei_rows
        or (again.serial and not first.screen.invalid_imei_rows)
    ):
        log.info("screen read by the second engine: tesseract found no IMEI row")
        return _Upright(again, 0, np.eye(3))
    # A serial alone does not outweigh IMEI digits that fail the check (dev sweep 905001:
    # the second engine read the serial and not the IMEI row, and the front passed).
    return first


def _fill_fields(result: InspectionResult, text: ScreenText, matrix: np.ndarray) -> None:
    imeis = [v.value for v in text.imeis]
    serial = text.serial.value if text.serial else None
    result.fields = DocumentFields(imei=imeis[0] if imeis else None, imeis=imeis, serial=serial)
    for found in text.imeis + text.invalid_imei_rows:
        pts = unwarp_points(_rect_points(found.box), matrix)
        result.boxes.append(polygon_box("imei_row", pts, found.value))
    if text.serial is not None:
        pts = unwarp_points(_rect_points(text.serial.box), matrix)
        result.boxes.append(polygon_box("serial_row", pts, text.serial.value))


def _photo_flags(
    finding: DeviceFinding,
    light: quality.Brightness,
    gray_small: np.ndarray,
    text: ScreenText,
    scale: float,
    image: np.ndarray,
    id_points: list[tuple[float, float]],
) -> list[ReasonCode]:
    """``id_points``: centres of the IMEI / serial rows read, in photo pixels."""
    flags: list[ReasonCode] = []
    if light.too_dark:
        flags.append(ReasonCode.TOO_DARK)
    h, w = image.shape[:2]
    if max(h, w) < quality.MIN_IMAGE_LONG_SIDE:
        flags.append(ReasonCode.LOW_RESOLUTION)
    dev = finding.device
    has_id = bool(text.imeis) or text.serial is not None or bool(text.invalid_imei_rows)
    if dev is None:
        if finding.cut_sides:
            flags.append(ReasonCode.PARTIAL_FRAME)  # its straight sides run into the frame
        elif quality.photo_blurry(gray_small):
            flags.append(ReasonCode.BLURRY)
        elif not has_id and ReasonCode.TOO_DARK not in flags:
            flags.append(ReasonCode.WRONG_SUBJECT)
        return flags
    # The outline taken may be a dark-mode dialog on the screen of a phone cut by the frame.
    partial = finding.partial or (
        ReasonCode.TOO_DARK not in flags
        and panel_on_cut_screen(gray_small, dev.quad * scale) >= PANEL_CUT
    )
    if partial:
        flags.append(ReasonCode.PARTIAL_FRAME)
    if quality.device_blurry(
        gray_small, dev.quad * scale, partial, crop_limit=quality.BLUR_EDGE_FRONT
    )[0]:
        flags.append(ReasonCode.BLURRY)
    if quality.device_short_side(dev.size, partial) < quality.MIN_SCREEN_SHORT_SIDE:
        flags.append(ReasonCode.LOW_RESOLUTION)
    if any(f in flags for f in (ReasonCode.TOO_DARK, ReasonCode.BLURRY, ReasonCode.LOW_RESOLUTION)):
        return flags
    if partial:
        return flags  # a cut-off face cannot be judged for box/back shape; PARTIAL says it
    face, face_image = read_face(image, dev)
    no_glass = face.ring.band_dark < 0.3
    if (
        (face.printed_device and not _inside(face.printed_outline, id_points))
        or face.paper
        or (not has_id and no_glass and 1.4 <= dev.aspect <= 1.8 and face.detail >= BOX_FACE_DETAIL)
    ):
        # A retail box (a device pictured on it, or a detailed face with a box's aspect and
        # no glass border) or a sheet of paper — even one that carries the IMEI.
        flags.append(ReasonCode.WRONG_SUBJECT)
    elif (
        not has_id
        and face.plain
        and not face.glowing
        and home_screen_icons(face_image) < HOME_ICONS
    ):
        # Plain and unlit: a back; unless it shows a home screen's rows of app icons (a
        # screen without an IMEI: IMEI_NOT_FOUND says what to open).
        flags.append(ReasonCode.BACK_SIDE_SHOWN)
    return flags


def _inside(outline: np.ndarray | None, points: list[tuple[float, float]]) -> bool:
    """Whether a read ID lies inside the printed picture: then the picture is a dialog on
    the lit screen (the ``*#06#`` box on a dark screen is a compact portrait panel too), not
    the print on a retail box, whose IMEI is on a sticker beside the picture."""
    if outline is None:
        return False
    poly = outline.reshape(-1, 1, 2).astype(np.float32)
    return any(cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in points)


_ORDER = list(ReasonCode)


def _ordered(flags: list[ReasonCode]) -> list[ReasonCode]:
    return sorted(set(flags), key=_ORDER.index)
