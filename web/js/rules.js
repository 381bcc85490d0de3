// Which documents a registration needs (form item 7), shown live before submitting.
// Mirrors the plan's documents matrix (device_intake.domain.requirements, rules.md "Which
// documents are required"). GET /api/me may carry the plan's own rows (`document_rows`);
// without them the common three-row matrix below applies. After registering, the page shows
// the API's required_documents instead.

/** The rows every seed plan except mobile-anshin-value uses (rules.md). */
export const DEFAULT_ROWS = [
  { release_over_years: true, alternatives: [["proof", "front", "back"]] },
  { purchased_after_enrollment: true, release_over_years: false, alternatives: [["proof"], ["front", "back"]] },
  { purchased_after_enrollment: false, release_over_years: false, alternatives: [["front", "back"]] },
];

const ORDER = ["proof", "front", "back"];

/**
 * @param {boolean|null} purchasedAfterEnrollment item 5 (null = not answered yet)
 * @param {boolean|null} releaseOver5Years item 6 (null = not answered yet)
 * @param {Array<{purchased_after_enrollment?: boolean|null, release_over_years?: boolean|null, alternatives: string[][]}>} [rows]
 * @returns {{alternatives: string[][], required: string[], optional: string[], proofReplacesPhotos: boolean}|null}
 */
export function requiredDocuments(purchasedAfterEnrollment, releaseOver5Years, rows = DEFAULT_ROWS) {
  const matches = (rowValue, answer) => rowValue === null || rowValue === undefined || rowValue === answer;
  // A row that ignores an unanswered question still applies (e.g. one row for every answer).
  const candidates = rows.filter((row) =>
    (purchasedAfterEnrollment !== null || row.purchased_after_enrollment == null) &&
    (releaseOver5Years !== null || row.release_over_years == null) &&
    matches(row.purchased_after_enrollment, purchasedAfterEnrollment) &&
    matches(row.release_over_years, releaseOver5Years));
  const row = candidates[0];
  if (!row) return null;
  const alternatives = row.alternatives.map((alt) => ORDER.filter((k) => alt.includes(k)));
  const required = alternatives[0];
  // Like the domain: anything outside the first alternative is accepted on top (an extra
  // proof is always cross-checked) or stands in for it (another alternative).
  const optional = ORDER.filter((k) => !required.includes(k));
  return { alternatives, required, optional, proofReplacesPhotos: alternatives.length > 1 };
}
