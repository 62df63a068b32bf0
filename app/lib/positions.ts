/**
 * Card order within a board column: each card has a fractional string key, and the column is
 * sorted by plain string comparison (JS `<`, SQLite's default BINARY collation — never
 * localeCompare). A move writes one row: the moved card gets a key between its new neighbours.
 * The server computes keys from the neighbours it reads; it never trusts an order from the browser.
 */
import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";

/**
 * A key strictly between two neighbours; null means the column's start or end.
 * Throws when `before` does not sort before `after`: the library would silently accept the
 * pair swapped, and the card would land somewhere nobody asked for.
 */
export function positionBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null && before >= after) {
    throw new RangeError(`positionBetween: the card before ("${before}") must sort strictly before the card after ("${after}")`);
  }
  return generateKeyBetween(before, after);
}

/** A key above the column's current first card (or the first key of an empty column). */
export function positionAtTop(firstKey: string | null): string {
  return positionBetween(null, firstKey);
}

/** A key below the column's current last card (or the first key of an empty column). */
export function positionAtBottom(lastKey: string | null): string {
  return positionBetween(lastKey, null);
}

/** Keys for cards created together in order (e.g. an import), short and evenly spread. */
export function initialPositions(count: number, after: string | null = null): string[] {
  return generateNKeysBetween(after, null, count);
}

/** Sort comparator matching the database's order. */
export function comparePositions(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
