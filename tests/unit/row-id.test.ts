import { describe, expect, it } from "vitest";
import { MAX_ROW_ID, parsePlanYear, parseRowId } from "~/lib/row-id";

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

describe("parsePlanYear", () => {
  it("takes four-digit plan years", () => {
    expect(parsePlanYear("2025")).toBe(2025);
    expect(parsePlanYear(2024)).toBe(2024);
  });

  it("refuses what cannot be a plan year, including integers PostgreSQL's integer cannot hold", () => {
    for (const value of ["", "0", "1999", "10000", "2025.5", "99999999999", "1e+308", "abc", null, undefined]) {
      expect(parsePlanYear(value)).toBeNull();
    }
  });
});
