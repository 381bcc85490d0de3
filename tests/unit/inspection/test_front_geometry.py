"""Quad ordering and fitting, rectification, and finding a device on a plain surface."""

from __future__ import annotations

import cv2
import numpy as np
from device_intake.inspection.device import (
    _choose_outline,
    _cut_sides,
    _edge_hull_masks,
    _Outline,
    find_device,
    fit_quad,
    order_quad,
    rectify,
    unwarp_points,
)
from device_intake.inspection.front import _rotation_matrix


def test_order_quad_starts_top_left_and_goes_clockwise() -> None:
    pts = np.array([[90, 10], [10, 90], [10, 10], [90, 90]], np.float32)
    assert order_quad(pts).tolist() == [[10, 10], [90, 10], [90, 90], [10, 90]]


def test_order_quad_handles_a_quad_rotated_by_45_degrees() -> None:
    diamond = np.array([[50, 0], [100, 50], [50, 100], [0, 50]], np.float32)
    ordered = order_quad(diamond[::-1])
    assert len({tuple(p) for p in ordered.tolist()}) == 4


def _rounded_phone(
    canvas: np.ndarray, quad: np.ndarray, colour: tuple[int, int, int] = (20, 20, 22)
) -> None:
    body = np.zeros((820, 400), np.uint8)
    cv2.rectangle(body, (50, 0), (350, 820), 255, -1)
    cv2.rectangle(body, (0, 50), (400, 770), 255, -1)
    for cx, cy in ((50, 50), (349, 50), (50, 769), (349, 769)):
        cv2.circle(body, (cx, cy), 50, 255, -1)
    src = np.array([[0, 0], [400, 0], [400, 820], [0, 820]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    mask = cv2.warpPerspective(body, m, (canvas.shape[1], canvas.shape[0]))
    canvas[mask > 127] = colour


def test_fit_quad_recovers_corners_of_a_rounded_rectangle_in_perspective() -> None:
    canvas = np.full((1000, 800, 3), 200, np.uint8)
    truth = np.array([[200, 120], [600, 150], [620, 880], [180, 860]], np.float32)
    _rounded_phone(canvas, truth)
    mask = (canvas[:, :, 0] < 100).astype(np.uint8) * 255
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    quad = fit_quad(max(contours, key=cv2.contourArea))
    assert np.abs(quad - truth).max() < 12


def test_fit_quad_fits_straight_sides_that_the_contour_compresses_to_two_points() -> None:
    # find_device's blobs come from CHAIN_APPROX_SIMPLE: an upright side is two points. With
    # corners as round as a case's (16 % of the width), a rough quad through the arcs is
    # several degrees off; the sides must still be fitted along their straight parts.
    mask = np.zeros((1000, 800), np.uint8)
    r = 64
    cv2.rectangle(mask, (200 + r, 100), (600 - r, 900), 255, -1)
    cv2.rectangle(mask, (200, 100 + r), (600, 900 - r), 255, -1)
    for cx, cy in ((200 + r, 100 + r), (600 - r, 100 + r), (200 + r, 900 - r), (600 - r, 900 - r)):
        cv2.circle(mask, (cx, cy), r, 255, -1)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quad = fit_quad(max(contours, key=cv2.contourArea))
    truth = np.array([[200, 100], [600, 100], [600, 900], [200, 900]], np.float32)
    assert np.abs(quad - truth).max() < 3


def test_find_device_locates_a_dark_phone_on_a_light_desk() -> None:
    canvas = np.full((1000, 800, 3), 210, np.uint8)
    noise = np.random.default_rng(0).normal(0, 2, canvas.shape)
    truth = np.array([[200, 120], [600, 150], [620, 880], [180, 860]], np.float32)
    _rounded_phone(canvas, truth)
    canvas = np.clip(canvas + noise, 0, 255).astype(np.uint8)
    finding = find_device(canvas)
    assert finding.device is not None and not finding.partial
    assert np.abs(finding.device.quad - truth).max() < 15


def test_find_device_reports_nothing_on_an_empty_surface() -> None:
    canvas = np.clip(
        np.full((800, 600, 3), 180.0) + np.random.default_rng(2).normal(0, 2, (800, 600, 3)),
        0,
        255,
    ).astype(np.uint8)
    assert find_device(canvas).device is None


def test_a_whole_outline_far_longer_than_any_phone_is_not_a_device() -> None:
    canvas = np.full((1000, 800, 3), 200, np.uint8)
    noise = np.random.default_rng(5).normal(0, 2, canvas.shape)
    # 4.5 : 1, like the camera bar of a phone that the frame cuts.
    strip = np.array([[200, 400], [600, 380], [605, 470], [205, 490]], np.float32)
    cv2.fillPoly(canvas, [strip.astype(np.int32)], (20, 20, 22))
    finding = find_device(np.clip(canvas + noise, 0, 255).astype(np.uint8))
    assert finding.device is None
    assert any("a strip" in note for note in finding.notes)


def test_a_skewed_outline_reaching_the_border_is_a_piece_of_a_cut_device() -> None:
    # Dev sweep: on cloth or a hand, the only outline of a back cut by the frame was a
    # sliver or wedge of it (corners 20-25° off square) whose corner reached the border;
    # judged as a whole back, its logo-less face read as a case.
    def photo(corner_y: int) -> np.ndarray:
        canvas = np.full((1000, 800, 3), 200, np.uint8)
        noise = np.random.default_rng(7).normal(0, 2, canvas.shape)
        piece = np.array([[300, 150], [650, 260], [520, corner_y], [200, 800]], np.int32)
        cv2.fillPoly(canvas, [piece], (40, 40, 44))
        return np.clip(canvas + noise, 0, 255).astype(np.uint8)

    cut = find_device(photo(999))
    assert cut.device is not None and not cut.partial  # it only grazes the border
    assert cut.weak_outline and cut.cut_sides >= 1
    # The same shape inside the photo is an object of its own, judged as it is.
    whole = find_device(photo(960))
    assert whole.device is not None and not whole.weak_outline


def test_rectify_and_unwarp_are_inverse() -> None:
    img = np.zeros((500, 500, 3), np.uint8)
    quad = np.array([[100, 80], [400, 100], [420, 420], [90, 400]], np.float32)
    warped, matrix = rectify(img, quad)
    h, w = warped.shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    assert np.abs(unwarp_points(corners, matrix) - quad).max() < 1.5


def test_rotation_matrix_maps_corners_of_a_turned_image() -> None:
    w, h = 40, 20
    m = _rotation_matrix(1, w, h)  # clockwise: the top-left corner goes to the top-right
    x, y, _ = m @ np.array([0, 0, 1.0])
    assert (x, y) == (h - 1, 0)
    img = np.zeros((h, w), np.uint8)
    img[0, 0] = 255
    turned = np.rot90(img, -1)
    assert turned[0, h - 1] == 255


def test_find_device_does_not_depend_on_what_was_inspected_before() -> None:
    # The background's colour modes come from k-means++, which draws on OpenCV's global
    # RNG. A warm process that had inspected other photos judged this one differently
    # (the benchmark read IMEI2 only on dev-166 after 166 other items, both IMEIs alone).
    from device_intake.inspection.loading import load_document

    from tests.generator.cases import CaseSpec, generate

    case = generate(CaseSpec("front_photo", "dev"), 166)
    image = load_document(case.data, filename=case.filename).image
    findings = []
    for draws in (0, 1, 7, 1000):
        cv2.randu(np.empty((draws + 1, 1), np.float32), 0.0, 1.0)  # advance the global RNG
        found = find_device(image)
        assert found.device is not None
        findings.append((found.device.quad.round(1).tolist(), found.background_distance))
    assert all(f == findings[0] for f in findings[1:])


def test_find_device_outlines_a_red_phone_on_a_grey_of_the_same_brightness() -> None:
    # BGR (50, 40, 180) and (83, 83, 83) have the same grey level: only colour edges show
    # the outline, and the colour blob must not be judged on grey-level edges alone.
    canvas = np.full((1000, 800, 3), 83, np.uint8)
    truth = np.array([[200, 120], [600, 150], [620, 880], [180, 860]], np.float32)
    _rounded_phone(canvas, truth, colour=(50, 40, 180))
    noise = np.random.default_rng(3).normal(0, 2, canvas.shape)
    canvas = np.clip(canvas + noise, 0, 255).astype(np.uint8)
    finding = find_device(canvas)
    assert finding.device is not None and not finding.partial
    assert np.abs(finding.device.quad - truth).max() < 15


def test_a_jagged_side_running_into_the_frame_is_a_cut_side() -> None:
    # A side ~1 degree off the vertical, as Canny draws it on a real photo: a staircase
    # with 1-2 px jitter. The thin-line Hough search found no side in it, and a cut
    # back on a hand with no outline found was called BLURRY instead of PARTIAL_FRAME.
    edges = np.zeros((1000, 750), np.uint8)
    rng = np.random.default_rng(3)
    x = 453.0
    for y in range(440, 1000):
        x += 10 / 560
        edges[y, round(x) + int(rng.integers(-2, 3))] = 255
    assert _cut_sides(edges) >= 1
    # The same side ending well inside the photo is not cut by the frame.
    edges[900:] = 0
    assert _cut_sides(edges) == 0


def test_the_outlines_own_side_joined_to_the_border_by_grain_is_not_a_cut_side() -> None:
    # Dev-900281, a whole beige back on wood: its weak outline's long sides were joined to
    # the border by the wood grain's edge chains and counted as sides running out of frame
    # (PARTIAL_FRAME on a whole phone).
    edges = np.zeros((1000, 750), np.uint8)
    cv2.rectangle(edges, (250, 250), (500, 750), 255, 1)
    # A wavy grain line (no long straight run) from the side to the border.
    grain = [(x, round(500 + 25 * np.sin(x / 12))) for x in range(0, 251)]
    cv2.polylines(edges, [np.array(grain, np.int32).reshape(-1, 1, 2)], False, 255, 1)
    outline = _rect_blob(250, 250, 250, 500)
    assert _cut_sides(edges) >= 1  # the side's chain reaches the border
    assert _cut_sides(edges, outline) == 0
    # A straight side going on past the outline into the frame is still cut.
    cv2.line(edges, (400, 250), (400, 0), 255, 1)
    cv2.line(edges, (400, 250), (400, 750), 255, 1)
    assert _cut_sides(edges, outline) >= 1


def _rect_blob(x: int, y: int, w: int, h: int) -> np.ndarray:
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.int32).reshape(-1, 1, 2)


def _outline(score: float, quality: float, touch: float, blob: np.ndarray) -> _Outline:
    return _Outline(score, quality, touch, blob, fit_quad(blob), cv2.convexHull(blob))


def test_an_outline_merged_with_the_arm_gives_way_to_the_biggest_good_one_inside() -> None:
    # A box merged with the hand (runs into the frame, poorly supported) holds the box
    # (well supported) and the phone printed on it (better still): the box is the object.
    merged = _outline(900_000.0, 0.5, 0.1, _rect_blob(0, 100, 900, 1000))
    box = _outline(300_000.0, 0.95, 0.0, _rect_blob(200, 200, 500, 600))
    print_ = _outline(60_000.0, 1.0, 0.0, _rect_blob(350, 300, 200, 300))
    assert _choose_outline([merged, box, print_]) is box
    # Alone inside the merged blob, the object's own outline is still chosen.
    assert _choose_outline([merged, box]) is box


def test_a_small_square_inside_a_back_cut_by_the_frame_does_not_replace_it() -> None:
    # Dev sweep: a phone's back running out of frame (its outline touches the border) and
    # its camera module, a tenth of it, better supported: the module was judged as a
    # whole back with no logo (CASE_ATTACHED). Outlines that won this way on dev covered
    # 36-96 % of the one they replaced; modules 8-17 %.
    back = _outline(220_000.0, 0.73, 0.32, _rect_blob(0, 0, 400, 600))
    module = _outline(24_000.0, 0.89, 0.0, _rect_blob(40, 40, 150, 160))
    assert _choose_outline([back, module]) is back


def test_a_skewed_outline_gives_way_to_a_well_fitted_device_inside_it() -> None:
    # The hull of a sharp-edge cluster took in the wood grain beside a dark phone: bigger
    # than the phone's colour outline, "well supported", but its corners are 20-30° off.
    skewed = np.array([[300, 120], [540, 190], [505, 845], [60, 660]], np.int32).reshape(-1, 1, 2)
    hull = _outline(270_000.0, 0.53, 0.0, skewed)
    phone = _outline(210_000.0, 0.99, 0.0, _rect_blob(210, 160, 330, 680))
    assert _choose_outline([hull, phone]) is phone
    # A rectangle-like outline keeps its place as the biggest well-supported one.
    outer = _outline(270_000.0, 0.53, 0.0, _rect_blob(150, 100, 450, 800))
    assert _choose_outline([outer, phone]) is outer


def test_the_edge_cluster_around_the_largest_one_is_proposed_as_an_outline() -> None:
    edges = np.zeros((1000, 750), np.uint8)
    for y in range(300, 700, 12):  # a dense print: many short edges, one cluster
        edges[y, 280:470] = 255
    inner_only = _edge_hull_masks(edges)
    assert inner_only[1] is None
    cv2.rectangle(edges, (150, 150), (600, 850), 255, 1)  # the box's own outline
    largest, around = _edge_hull_masks(edges)
    assert largest is not None and largest[500, 375] and not largest[200, 200]
    assert around is not None and around[200, 200] and around[500, 375]
    assert not around[100, 100]
