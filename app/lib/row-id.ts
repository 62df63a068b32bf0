/**
 * Row ids are 32-bit integers on PostgreSQL (`serial`); a number outside 1 … 2³¹−1 names no row,
 * and handing it to the database would fail there instead of being refused as bad input.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** A submitted row id, or null when the value cannot be one. */
export function parseRowId(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n <= MAX_ROW_ID ? n : null;
}

/** A plan year named in a URL (2000 … 9999), or null when the value cannot be one. */
export function parsePlanYear(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" && value !== "" ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 2000 && n <= 9999 ? n : null;
}
