"""What is in front of the camera: box, paper, back, home screen, case, a cut-off device.

Full-size generated photos (12 MP and smaller, as the benchmark draws them) at seeds the
flag sweep (``python -m bench.flags``) showed misjudged before the face reading existed:
each test names what the photo shows and what the old rules said instead.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import cv2
import numpy as np
import pytest
from device_intake.domain.documents import InspectionResult
from device_intake.inspection import device as device_mod
from device_intake.inspection.back import inspect_back
from device_intake.inspection.device import (
    CASE_RIM_EDGE,
    HOME_ICONS,
    LIT_GLYPHS,
    PANEL_CUT,
    WEDGE_CORNER,
    FaceFeatures,
    FaceReading,
    count_text_glyphs,
    find_device,
    home_screen_icons,
    inset_edge,
    panel_on_cut_screen,
    printed_picture,
    rectangle_like,
    text_glyphs,
)
from device_intake.inspection.front import inspect_front
from device_intake.inspection.loading import load_document
from device_intake.inspection.ocr import TesseractOcrEngine

from tests.generator.cases import CaseSpec, generate

SWEEP = 900_000  # bench.flags draws dev seeds from here


@functools.cache
def _engine() -> TesseractOcrEngine:
    return TesseractOcrEngine()


@functools.cache
def _inspect(family: str, seed: int) -> InspectionResult:
    case = generate(CaseSpec(family, "dev"), SWEEP + seed)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    if case.kind == "back":
        return inspect_back(doc)
    return inspect_front(doc, _engine())


def _bench_front(family: str, seed: int) -> tuple[dict, InspectionResult]:
    """A front of the benchmark's own seeds (no sweep offset): its label and the result."""
    case = generate(CaseSpec(family, "dev"), seed)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    return case.label, inspect_front(doc, _engine())


def test_box_in_the_back_slot_is_wrong_subject_not_a_lit_front() -> None:
    # The phone printed on the box looked like a lit screen: FRONT_SIDE_SHOWN.
    assert _inspect("back_wrong_subject", 15).flags == ["WRONG_SUBJECT"]


def test_contract_showing_an_imei_is_wrong_subject_even_though_the_imei_is_read() -> None:
    # The IMEI printed on the contract was read and the photo passed as a front.
    assert "WRONG_SUBJECT" in _inspect("front_wrong_subject", 7).flags


def test_black_back_in_the_front_slot_is_back_side_shown() -> None:
    # Its dark rim passed for black glass round a screen: IMEI_NOT_FOUND.
    assert _inspect("front_back_shown", 4).flags == ["BACK_SIDE_SHOWN"]


def test_home_screen_without_imei_is_imei_not_found_not_a_back() -> None:
    # Few glyphs and little detail, but a glowing middle in black glass: a screen.
    assert _inspect("front_no_imei", 1).flags == ["IMEI_NOT_FOUND"]


@pytest.mark.parametrize(("family", "seed"), [("back_partial", 5), ("front_partial", 9)])
def test_device_cut_by_the_frame_is_partial_not_wrong_subject(family: str, seed: int) -> None:
    # The cut device's colour was sampled on the border as background: no device found.
    assert "PARTIAL_FRAME" in _inspect(family, seed).flags
    assert "WRONG_SUBJECT" not in _inspect(family, seed).flags


def test_dark_mode_dialog_on_a_cut_phone_is_partial_not_a_whole_device() -> None:
    # The phone's own outline ran into the frame; the *#06# dialog inside it was better
    # supported and was taken for the whole device: no flag at all.
    assert _inspect("front_partial", 63).flags == ["PARTIAL_FRAME"]


def _dark_panel_scene(cut: bool) -> tuple[np.ndarray, np.ndarray]:
    """A light desk, black glass (running off the bottom edge when ``cut``), and a dark
    grey dialog on it; returns the grey photo and the dialog's quad."""
    gray = np.full((1000, 750), 205, np.uint8)
    bottom = 999 if cut else 900
    cv2.rectangle(gray, (150, 150), (600, bottom), 60, -1)  # the phone's body
    cv2.rectangle(gray, (165, 165), (585, bottom if cut else 885), 12, -1)  # black glass
    cv2.rectangle(gray, (220, 450), (530, 700), 45, -1)  # the dialog
    quad = np.array([[220, 450], [530, 450], [530, 700], [220, 700]], np.float32)
    return gray, quad


def test_black_glass_round_a_dialog_reaching_the_border_marks_a_cut_phone() -> None:
    cut, quad = _dark_panel_scene(cut=True)
    assert panel_on_cut_screen(cut, quad) >= PANEL_CUT
    whole, quad = _dark_panel_scene(cut=False)
    assert panel_on_cut_screen(whole, quad) == 0.0
    # A light-mode dialog, or a device on a light desk, is no panel on glass.
    light = whole.copy()
    light[450:701, 220:531] = 230
    assert panel_on_cut_screen(light, quad) == 0.0
    desk = np.full((1000, 750), 205, np.uint8)
    desk[450:701, 220:531] = 40
    assert panel_on_cut_screen(desk, quad) == 0.0


def test_clear_case_is_found_by_its_rim() -> None:
    # No straight glare streak on this one: the rim inside the outline is the evidence.
    assert _inspect("back_case", 4).flags == ["CASE_ATTACHED"]


def _face(size: tuple[int, int] = (450, 900), colour: int = 200) -> np.ndarray:
    w, h = size
    return np.full((h, w, 3), colour, np.uint8)


def test_printed_device_is_a_compact_portrait_picture_inside_the_face() -> None:
    box = _face()
    cv2.rectangle(box, (130, 200), (320, 600), (10, 10, 10), -1)  # 190 x 400: a phone
    cv2.rectangle(box, (145, 215), (305, 585), (200, 80, 160), -1)  # its lit screen
    assert printed_picture(box) is not None


def test_a_large_camera_module_near_the_top_is_not_a_printed_device() -> None:
    # An opaque black case's cut-out frames a big module: compact, portrait, phone-like,
    # but along the top of the back (dev-947 was called WRONG_SUBJECT); a box's print
    # sits near the middle.
    back = _face(colour=25)
    cv2.rectangle(back, (75, 65), (255, 355), (150, 180, 210), -1)
    assert printed_picture(back) is None
    box = _face()
    cv2.rectangle(box, (130, 230), (320, 630), (10, 10, 10), -1)
    assert printed_picture(box) is not None


def test_screen_reaching_the_bezel_or_a_corner_module_is_not_a_printed_device() -> None:
    screen = _face(colour=10)
    cv2.rectangle(screen, (18, 18), (432, 882), (240, 240, 240), -1)
    assert printed_picture(screen) is None
    back = _face()
    cv2.rectangle(back, (40, 40), (200, 200), (30, 30, 30), -1)  # camera module, top left
    assert printed_picture(back) is None


def test_inset_edge_sees_a_rim_on_three_sides_and_not_a_plain_body() -> None:
    plain = np.full((900, 450), 120, np.uint8)
    assert inset_edge(plain) < 1.0
    rimmed = plain.copy()
    rimmed[:, :20] = rimmed[:, -20:] = 200  # a light rim 4 % wide on the sides
    rimmed[-20:, :] = 200  # and at the bottom; the top is lost to glare
    assert inset_edge(rimmed) >= 8.0


def test_a_bare_backs_frame_by_the_outline_is_not_a_case_rim() -> None:
    # A light body whose frame (or a strip of desk in a loose outline) ends 2.2 % in: the
    # step a bare back shows; a clear case's rim ends 4.5-5.5 % in, after a flat band.
    body = np.full((900, 450), 230, np.uint8)
    framed = body.copy()
    framed[:, :10] = framed[:, -10:] = framed[:10, :] = framed[-10:, :] = 200
    assert inset_edge(framed) < CASE_RIM_EDGE
    cased = body.copy()
    cased[:, :22] = cased[:, -22:] = cased[:22, :] = cased[-22:, :] = 205
    assert inset_edge(cased) >= CASE_RIM_EDGE


def _reading(band_dark: float, band_mean: float, centre_mean: float) -> FaceReading:
    ring = FaceFeatures(
        band_dark=band_dark, band_std=0.0, band_mean=band_mean, centre_mean=centre_mean
    )
    return FaceReading(
        glyphs=5, detail=2.0, ring=ring, aspect=2.0, printed_device=False, inset_edge=0.0
    )


def test_glowing_needs_a_bright_middle_in_black_glass() -> None:
    assert _reading(band_dark=0.9, band_mean=20, centre_mean=140).glowing
    assert not _reading(band_dark=0.95, band_mean=30, centre_mean=36).glowing  # black back
    assert not _reading(band_dark=0.0, band_mean=180, centre_mean=240).glowing  # white back


@pytest.mark.parametrize("seed", [10, 25])
def test_back_cut_by_the_frame_without_an_outline_is_partial_frame(seed: int) -> None:
    # On a hand (10) or wood grain (25) no outline was found: WRONG_SUBJECT. Its straight
    # sides still run into the frame.
    assert _inspect("back_partial", seed).flags == ["PARTIAL_FRAME"]


@pytest.mark.parametrize("seed", [22, 42])
def test_back_cut_by_the_frame_whose_outline_is_a_piece_of_it_is_partial_frame(seed: int) -> None:
    # The body's colour runs into the frame, so the border sample takes it for background
    # and the mask keeps a triangle of the back: a weak outline inside the photo, no flag.
    # The back's straight sides still run into the frame.
    assert _inspect("back_partial", seed).flags == ["PARTIAL_FRAME"]


def test_background_inside_a_cut_outline_does_not_make_a_lit_screen() -> None:
    # A cut back on wood: the outline takes in grain that passes for rows of glyphs, and
    # the photo was also called FRONT_SIDE_SHOWN.
    assert _inspect("back_partial", 1135).flags == ["PARTIAL_FRAME"]


def test_back_cut_by_the_frame_on_a_soft_hand_is_not_blurry() -> None:
    # The whole photo (mostly a defocused hand) was soft, the device's own edges are crisp.
    assert _inspect("back_partial", 13).flags == ["PARTIAL_FRAME"]


def test_blurred_back_whose_dark_lenses_look_crisp_is_blurry() -> None:
    # Black camera lenses beyond the 1-99 % range made the whole photo look sharp:
    # WRONG_SUBJECT. Against the full tonal range its steepest edge is soft.
    assert _inspect("back_blurry", 26).flags == ["BLURRY"]


@pytest.mark.parametrize("seed", [2, 22])
def test_opaque_case_whose_camera_cut_out_reaches_the_middle_is_a_case(seed: int) -> None:
    # The cut-out's edges reached the logo area and passed for a logo: no flag.
    assert _inspect("back_case", seed).flags == ["CASE_ATTACHED"]


def test_dark_grained_case_is_a_case() -> None:
    # Stretched to find a black phone's logo, the grain covered the middle with edges.
    assert _inspect("back_case", 12).flags == ["CASE_ATTACHED"]


def test_black_bare_back_whose_logo_starts_above_the_middle_is_bare() -> None:
    # Its logo crosses the top of the measured area; it must still count as a logo.
    assert _inspect("back_photo", 6).flags == []


@pytest.mark.parametrize("seed", [106, 135, 239])
def test_noisy_black_bare_back_is_bare(seed: int) -> None:
    # Sensor noise (sigma ~4.5), stretched 3x to find the logo, crossed fixed Canny
    # thresholds all over the middle and passed for a case's grain: CASE_ATTACHED.
    assert _inspect("back_photo", seed).flags == []


@pytest.mark.parametrize("seed", [232, 253])
def test_book_case_stitching_is_not_a_lit_screen(seed: int) -> None:
    # The stitching round the cover broke into glyph-sized pieces in rows along the
    # edge: 37-76 "glyphs", FRONT_SIDE_SHOWN.
    assert _inspect("back_case", seed).flags == ["CASE_ATTACHED"]


@pytest.mark.parametrize("seed", [601, 602])
def test_plain_home_screen_is_imei_not_found_not_a_back(seed: int) -> None:
    # Few glyph rows, little detail and no black-glass ring (a dark wallpaper, or the
    # screen found without its bezel): taken for a back, BACK_SIDE_SHOWN.
    assert _inspect("front_no_imei", seed).flags == ["IMEI_NOT_FOUND"]


def test_home_screen_icons_are_rows_of_rounded_squares_not_camera_lenses() -> None:
    h, w = 900, 420
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    screen = np.clip(np.array([200, 120, 60]) * (1 - yy) + np.array([60, 200, 90]) * yy, 0, 255)
    screen = np.ascontiguousarray(np.broadcast_to(screen, (h, w, 3)).astype(np.uint8))
    back = np.full((h, w, 3), 70, np.uint8)
    rng = np.random.default_rng(3)
    for row in range(4):
        for col in range(4):
            x, y = 40 + col * 95, 150 + row * 100
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            cv2.rectangle(screen, (x + 8, y), (x + 52, y + 60), colour, -1)
            cv2.rectangle(screen, (x, y + 8), (x + 60, y + 52), colour, -1)
            for cx, cy in ((x + 8, y + 8), (x + 52, y + 8), (x + 8, y + 52), (x + 52, y + 52)):
                cv2.circle(screen, (cx, cy), 8, colour, -1)
    for cy in (60, 140, 220):  # a camera column of three lenses
        cv2.circle(back, (80, cy), 32, (20, 20, 20), -1)
    assert home_screen_icons(screen) >= HOME_ICONS
    assert home_screen_icons(back) == 0


@pytest.mark.parametrize("seed", [46, 68])
def test_defocused_front_whose_outline_is_found_is_blurry_not_a_back(seed: int) -> None:
    # Defocus erased the screen's text; the crop passed the back's blur limit, and the
    # plain face read as a back: BACK_SIDE_SHOWN.
    assert _inspect("front_blurry", seed).flags == ["BLURRY"]


def test_beige_phone_on_a_hand_is_read_from_its_own_outline() -> None:
    # Benchmark dev-166: the colour blob merged the phone with the hand (both beige) and,
    # being the bigger outline, won over the phone's own sharp outline; the screen was
    # rectified askew and only IMEI2 was read.
    label, result = _bench_front("front_photo", 166)
    assert result.fields.imei == label["fields"]["imei"] == "353841086254067"
    assert result.flags == []


def test_red_back_over_a_pink_hand_is_found_whole_and_keeps_its_logo() -> None:
    # Red and the grey background have the same grey level: the grey-level outline support
    # of the (right) colour blob was 0.37, a cluster of edges on the lower half won, and
    # the logo fell outside it: CASE_ATTACHED.
    assert _inspect("back_photo", 0).flags == []


def test_book_case_is_still_found_by_the_second_background_mode() -> None:
    # The first mode's weak outline must not stop the search before the second mode's
    # whole open book (found while measuring colour edges for the test above).
    assert _inspect("back_case", 0).flags == ["CASE_ATTACHED"]


def test_faint_red_word_mark_on_a_red_back_is_a_logo_not_a_case() -> None:
    # OPPO in a lighter red on a red back under a light gradient: 1.2 edge pixels per 1000
    # in grey levels (no logo -> CASE_ATTACHED), 3.1 with the colour channels.
    assert _inspect("back_photo", 13).flags == []


def test_imei_dialog_on_a_dark_screen_is_not_a_box_print() -> None:
    # The *#06# panel on a dark-mode screen is a compact portrait picture inside the face,
    # like the phone printed on a retail box: the acceptable photo was WRONG_SUBJECT. The
    # IMEI read inside the panel says it is a screen (a box's IMEI is on a sticker beside
    # its picture).
    label, result = _bench_front("front_photo", 174)
    assert result.flags == []
    assert result.fields.imei == label["fields"]["imei"]


def test_box_with_an_imei_sticker_on_the_front_slot_stays_wrong_subject() -> None:
    # The sticker's IMEI is read, but below the printed phone, not inside it.
    result = _inspect("front_wrong_subject", 6)
    assert result.fields.imei is not None
    assert "WRONG_SUBJECT" in result.flags


def test_cut_imei_row_on_a_partial_front_is_one_message_not_two() -> None:
    # The frame cuts the IMEI row: the digits read fail the check digit. PARTIAL_FRAME
    # already asks for the retake; IMEI_CHECKSUM_INVALID used to come with it.
    assert _bench_front("front_partial", 72)[1].flags == ["PARTIAL_FRAME"]


def test_back_in_focus_with_few_edges_in_the_front_slot_is_back_side_shown() -> None:
    # A dark plain back on a desk: its crop's edge steepness sat under the front's blur
    # limit, so it was BLURRY; its crisp lens ring says it is in focus.
    assert _inspect("front_back_shown", 56).flags == ["BACK_SIDE_SHOWN"]


def test_dark_mode_dialog_in_the_back_slot_is_front_side_shown() -> None:
    # White text on a near-black screen was never counted as glyphs (the light-text
    # threshold kept the whole dark ground): no lit screen, and the dialog's edges read
    # as a case's grain -> CASE_ATTACHED.
    assert _inspect("back_front_shown", 38).flags == ["FRONT_SIDE_SHOWN"]


def test_smooth_light_back_in_the_front_slot_is_not_taken_for_light_text() -> None:
    # A beige tablet back on cloth: at 10 grey levels above the local mean its soft light
    # spots counted as 30 glyphs of light text, a screen (IMEI_NOT_FOUND).
    assert _inspect("front_back_shown", 27).flags == ["BACK_SIDE_SHOWN"]


def test_light_text_on_a_dark_screen_counts_as_glyph_rows() -> None:
    dark = np.full((900, 600), 18, np.uint8)
    for row in range(8):
        cv2.putText(
            dark, "35 583208 8891", (60, 120 + row * 80), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 235, 2
        )
    light = 255 - dark
    assert count_text_glyphs(dark) >= LIT_GLYPHS
    assert abs(count_text_glyphs(dark) - count_text_glyphs(light)) <= 10
    assert count_text_glyphs(np.full((900, 600), 18, np.uint8)) == 0


def test_a_lone_row_of_letters_is_a_word_mark_and_rows_of_text_are_not() -> None:
    back = np.full((900, 450), 120, np.uint8)
    cv2.putText(back, "SAMSUNG", (90, 640), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 200, 2)
    for x in (80, 150):  # camera lenses: round blobs, no text row
        cv2.circle(back, (x, 110), 30, 20, -1)
    glyphs, mark = text_glyphs(back)
    assert glyphs >= 6 and mark == glyphs
    screen = np.full((900, 450), 235, np.uint8)
    for row in range(4):
        cv2.putText(screen, "IMEI 3558", (40, 150 + row * 90), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    glyphs, mark = text_glyphs(screen)
    assert glyphs >= 20 and mark == 0


def test_a_word_mark_does_not_make_a_plain_back_a_screen() -> None:
    ring = FaceFeatures(band_dark=0.0, band_std=14.5, band_mean=102.0, centre_mean=112.0)
    face = FaceReading(
        glyphs=16, detail=4.2, ring=ring, aspect=2.0, printed_device=False, inset_edge=1.4
    )
    assert not face.plain  # 16 glyphs in rows, some detail: screen text
    assert replace(face, word_mark=11).plain  # 11 of them "SAMSUNG": a back (dev-61)
    assert not replace(face, glyphs=30, word_mark=11).plain


@pytest.mark.parametrize("seed", [5028, 5192])
def test_a_beige_back_on_wood_is_whole_when_four_straight_sides_close_it(seed: int) -> None:
    # Its colour outline was a piece of it (5192) or it with the grain beside it (5028),
    # and the grain joined its sides to the frame: PARTIAL_FRAME.
    assert _inspect("back_photo", seed).flags == []


def test_a_cut_front_stays_cut_though_its_screen_rows_close_four_sides() -> None:
    # Dev sweep 905255: an iPad cut by the top of the frame; a settings panel's edge and
    # the body's lower sides closed a quad inside the frame. Fronts do not close sides.
    assert "PARTIAL_FRAME" in _inspect("front_partial", 5255).flags


def _sides(lines: list[tuple[int, int, int, int]]) -> np.ndarray:
    edges = np.zeros((1000, 750), np.uint8)
    for x1, y1, x2, y2 in lines:
        cv2.line(edges, (x1, y1), (x2, y2), 255, 1)
    return edges


def test_four_sides_inside_the_frame_close_a_device_and_sides_running_on_do_not() -> None:
    blob = np.array([[[200, 500]], [[520, 500]], [[520, 800]], [[200, 800]]], np.int32)
    # A phone's outline, its rounded corners leaving gaps at the ends of each side.
    whole = _sides([(190, 130, 530, 130), (190, 860, 530, 860), (160, 160, 160, 830),
                    (560, 160, 560, 830)])  # fmt: skip
    quad = device_mod._side_quad(whole, blob)
    assert quad is not None
    assert np.allclose(quad, [[160, 130], [560, 130], [560, 860], [160, 860]], atol=3)
    # Cut by the bottom of the frame: the sides run past the only line across the body
    # (a camera module's or a print's edge, dev sweep 908079) into the border.
    cut = _sides([(190, 130, 530, 130), (160, 900, 560, 900), (160, 160, 160, 999),
                  (560, 160, 560, 999)])  # fmt: skip
    assert device_mod._side_quad(cut, blob) is None


def _fading_phone() -> np.ndarray:
    """A phone on grey whose body shades from the background's grey at its top-left
    corner to dark at the far one: no edge there, the sides show on their far parts."""
    rng = np.random.default_rng(3)
    img = cv2.GaussianBlur(rng.normal(120, 6, (1600, 1200, 3)).astype(np.float32), (0, 0), 2)
    yy, xx = np.mgrid[0:1600, 0:1200]
    shade = np.clip(((xx - 300) / 600 + (yy - 300) / 1000 - 0.6) / 1.4, 0, 1)
    body = np.zeros((1600, 1200), bool)
    body[300:1301, 300:901] = True
    img[body] = (120 - 70 * shade[body])[:, None]
    return np.clip(img, 0, 255).astype(np.uint8)


def test_a_wedge_outline_is_squared_to_the_device_sides_on_a_back() -> None:
    # The hull of the sharp edges cut the faded corner off on a diagonal: a wedge, whose
    # stretched face went to a reviewer (dev sweep book and opaque cases, 905135 ...).
    img = _fading_phone()
    wedge = find_device(img).device
    assert wedge is not None and not rectangle_like(wedge.quad, WEDGE_CORNER)
    squared = find_device(img, closed_sides=True).device
    assert squared is not None
    assert np.allclose(squared.quad, [[300, 300], [900, 300], [900, 1300], [300, 1300]], atol=12)


def test_a_true_wedge_is_not_squared() -> None:
    # A wedge-shaped object has no rectangle's sides to fit: it stays as it is.
    img = np.full((1600, 1200, 3), 150, np.uint8)
    wedge = np.array([[420, 300], [820, 330], [760, 1250], [470, 800]], np.int32)
    cv2.fillPoly(img, [wedge], (40, 40, 45))
    found = find_device(img, closed_sides=True)
    assert found.device is not None and not rectangle_like(found.device.quad, WEDGE_CORNER)


def test_a_book_case_found_as_a_wedge_is_case_attached() -> None:
    # Dev sweep 905135: the cover panel's far corner matched the dark desk; the wedge
    # went to a reviewer, the squared outline shows the whole opened case.
    assert _inspect("back_case", 5135).flags == ["CASE_ATTACHED"]


def test_partial_front_is_not_low_resolution_for_its_cut_width() -> None:
    # The frame cuts the phone to 225 px of width; its 800 px visible length says the
    # phone itself is large enough (the IMEI was even read): PARTIAL_FRAME alone.
    assert _bench_front("front_partial", 148)[1].flags == ["PARTIAL_FRAME"]


def test_first_imei_row_with_a_glint_beside_it_is_read() -> None:
    # Only IMEI2 was reported (marked uncertain): the IMEI row's re-read crop ran over
    # the bezel. The label's first IMEI must be the one reported.
    label, result = _bench_front("front_photo", 89)
    assert result.flags == []
    assert result.fields.imei == label["fields"]["imei"]


@pytest.mark.parametrize("seed", [11, 44, 220])
def test_box_on_a_hand_is_wrong_subject_not_a_case(seed: int) -> None:
    # No colour mask held the box apart from the hand (or its blob merged with the hand
    # and, running into the frame, gave way to the best-supported outline inside it): the
    # phone printed on the box was the outline, and its plain home screen with no logo
    # read as an opaque case: CASE_ATTACHED.
    assert _inspect("back_wrong_subject", seed).flags == ["WRONG_SUBJECT"]


def test_contract_on_a_white_desk_is_outlined_whole_and_is_wrong_subject() -> None:
    # White paper on a white desk: no colour mask outlines the sheet, and the hull of its
    # text block (the largest cluster of edges) did not look like paper: no flag at all.
    # The sheet's own edges, a ring round the text, are proposed now.
    assert _inspect("front_wrong_subject", 607).flags == ["WRONG_SUBJECT"]
