import { describe, expect, it } from "vitest";
import {
  attachmentDisposition,
  excelDate,
  excelDateTime,
  ledgerFileName,
  METRIC_COLUMNS,
  REPORT_COLUMNS,
  TASK_COLUMNS,
} from "~/lib/kpi-ledger";

describe("the ledger's file name and Content-Disposition", () => {
  it("names the file as offices do", () => {
    expect(ledgerFileName("平东街道", 2025, "2025-06-30")).toBe("平东街道2025年重点工作台账_2025-06-30.xlsx");
  });

  it("carries the Chinese name in filename* (RFC 5987) and an ASCII-only fallback", () => {
    const header = attachmentDisposition("平东街道2025年重点工作台账_2025-06-30.xlsx");
    expect(header).toBe(
      `attachment; filename="____2025________2025-06-30.xlsx"; filename*=UTF-8''%E5%B9%B3%E4%B8%9C%E8%A1%97%E9%81%932025%E5%B9%B4%E9%87%8D%E7%82%B9%E5%B7%A5%E4%BD%9C%E5%8F%B0%E8%B4%A6_2025-06-30.xlsx`,
    );
    expect(/[^\x20-\x7e]/.test(header)).toBe(false);
  });

  it("cannot be broken out of by quotes or backslashes in the name", () => {
    expect(attachmentDisposition('a"b\\c.xlsx')).toBe(`attachment; filename="abc.xlsx"; filename*=UTF-8''a%22b%5Cc.xlsx`);
  });
});

describe("dates for Excel", () => {
  it("writes calendar days at UTC midnight (exceljs stores UTC fields)", () => {
    expect(excelDate("2025-06-30").toISOString()).toBe("2025-06-30T00:00:00.000Z");
  });

  it("writes instants as Shanghai wall-clock time", () => {
    expect(excelDateTime("2025-06-29T16:30:00.000Z").toISOString()).toBe("2025-06-30T00:30:00.000Z");
  });
});

describe("sheet layouts", () => {
  it("has the columns offices keep, each with a width", () => {
    expect(TASK_COLUMNS.map((c) => c.header)).toHaveLength(15);
    expect(new Set([...TASK_COLUMNS, ...METRIC_COLUMNS, ...REPORT_COLUMNS].map((c) => c.width > 0))).toEqual(new Set([true]));
  });
});
