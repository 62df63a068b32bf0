import { describe, expect, it } from "vitest";
import { MAX_ROW_ID, parseRowId } from "~/lib/row-id";

describe("parseRowId", () => {
  it("takes positive 32-bit integers from form strings and numbers", () => {
    expect(parseRowId("7")).toBe(7);
    expect(parseRowId(12)).toBe(12);
    expect(parseRowId(String(MAX_ROW_ID))).toBe(MAX_ROW_ID);
  });

  it("refuses what names no row, including integers PostgreSQL's serial cannot hold", () => {
    for (const value of ["", " ", "0", "-3", "1.5", "abc", "1e+308", String(MAX_ROW_ID + 1), "9007199254740993", null, undefined, {}]) {
      expect(parseRowId(value)).toBeNull();
    }
  });
});
