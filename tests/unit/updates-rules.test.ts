import { describe, expect, it } from "vitest";
import { cellStatus, checkProgress, findMentions, isWeekOpen, mayEditUpdate, parseMetricValue, sniffAttachmentType } from "~/lib/updates";
import { weekKeyOf, weekRange } from "~/lib/weeks";

const pieces = { unit: "件", target: 660 };

describe("parseMetricValue", () => {
  it.each([
    ["1226", 1226],
    ["1,226", 1226],
    ["1 226", 1226],
    ["1226件", 1226],
    ["１２２６", 1226],
    ["１，２２６件", 1226],
    ["约300件", 300],
    ["300余件", 300],
    ["一千二百", 1200],
    ["12.5", 12.5],
    ["0", 0],
  ])("reads %s as %d", (raw, expected) => {
    expect(parseMetricValue(raw, { unit: "件", target: 66000 })).toEqual({ ok: true, value: expected });
  });

  it("scales a magnitude written before the unit, but keeps 万元 as it is", () => {
    expect(parseMetricValue("1.2万件", { unit: "件", target: 66000 })).toEqual({ ok: true, value: 12000 });
    expect(parseMetricValue("2151万元", { unit: "万元", target: 2370 })).toEqual({ ok: true, value: 2151 });
    expect(parseMetricValue("215万", { unit: "万元", target: 2370 })).toEqual({ ok: true, value: 215 });
  });

  it("refuses negative numbers, other units, garbage and absurd sizes with a message", () => {
    for (const raw of ["-5", "－5", "负五"]) {
      const result = parseMetricValue(raw, pieces);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.message).toContain("负数");
    }
    const unit = parseMetricValue("120人", pieces);
    expect(!unit.ok && unit.message).toContain("单位应为“件”");
    expect(parseMetricValue("abc", pieces).ok).toBe(false);
    expect(parseMetricValue("1,22,6", pieces).ok).toBe(false);
    const huge = parseMetricValue("99999999999", { unit: "件", target: null });
    expect(!huge.ok && huge.message).toContain("过大");
    const typo = parseMetricValue("660000", pieces);
    expect(!typo.ok && typo.message).toContain("远超全年目标");
    expect(parseMetricValue("66000", pieces)).toEqual({ ok: true, value: 66000 });
    expect(parseMetricValue("5000%", { unit: "%", target: null }).ok).toBe(false);
    expect(parseMetricValue("95%", { unit: "%", target: 90 })).toEqual({ ok: true, value: 95 });
  });
});

describe("checkProgress", () => {
  it("accepts 0–100 and a rise, refuses over 100, fractions, and a drop without a note", () => {
    expect(checkProgress(0, null, "").ok).toBe(true);
    expect(checkProgress(100, 90, "").ok).toBe(true);
    expect(checkProgress(101, null, "").message).toContain("不能超过100%");
    expect(checkProgress(-1, null, "").ok).toBe(false);
    expect(checkProgress(50.5, null, "").ok).toBe(false);
    expect(checkProgress(40, 60, "").message).toContain("上次填报（60%）");
    expect(checkProgress(40, 60, "发现返工，重新计算").ok).toBe(true);
  });
});

describe("weeks of 填报", () => {
  it("puts Sunday 23:59 and Monday 00:00 Shanghai in different weeks", () => {
    expect(weekKeyOf(new Date("2025-03-23T15:59:00Z"))).toBe("2025-W12"); // Sun 23:59 +08
    expect(weekKeyOf(new Date("2025-03-23T16:00:00Z"))).toBe("2025-W13"); // Mon 00:00 +08
  });

  it("handles the year turn and week 53", () => {
    expect(weekKeyOf("2024-12-30")).toBe("2025-W01");
    expect(weekKeyOf("2026-12-31")).toBe("2026-W53");
    expect(weekKeyOf("2027-01-03")).toBe("2026-W53");
    expect(weekKeyOf("2027-01-04")).toBe("2027-W01");
  });

  it("calls a report on time until Sunday 24:00 Shanghai, late after, missing without one", () => {
    const end = weekRange("2025-W12").end;
    expect(cellStatus("2025-W12", new Date(end.getTime() - 60_000))).toBe("reported");
    expect(cellStatus("2025-W12", end)).toBe("late");
    expect(cellStatus("2025-W12", null)).toBe("missing");
    expect(cellStatus("2026-W53", "2027-01-03T15:59:00.000Z")).toBe("reported");
    expect(cellStatus("2026-W53", "2027-01-03T16:00:00.000Z")).toBe("late");
  });

  it("keeps a week open through Sunday 23:59 Shanghai", () => {
    expect(isWeekOpen("2025-W12", new Date("2025-03-23T15:59:59Z"))).toBe(true);
    expect(isWeekOpen("2025-W12", new Date("2025-03-23T16:00:00Z"))).toBe(false);
  });
});

describe("mayEditUpdate", () => {
  const update = { authorId: 3, unitId: 1, week: "2025-W12" };
  const during = new Date("2025-03-20T04:00:00Z");
  const after = new Date("2025-03-24T04:00:00Z");
  it("lets the author and the same unit edit during the week, only leaders and admins after", () => {
    expect(mayEditUpdate({ id: 3, role: "secretary", unitId: 1 }, update, during)).toBe(true);
    expect(mayEditUpdate({ id: 9, role: "secretary", unitId: 1 }, update, during)).toBe(true);
    expect(mayEditUpdate({ id: 8, role: "secretary", unitId: 2 }, update, during)).toBe(false);
    expect(mayEditUpdate({ id: 3, role: "secretary", unitId: 1 }, update, after)).toBe(false);
    expect(mayEditUpdate({ id: 2, role: "leader", unitId: null }, update, after)).toBe(true);
    expect(mayEditUpdate({ id: 1, role: "admin", unitId: null }, update, after)).toBe(true);
    expect(mayEditUpdate({ id: 4, role: "viewer", unitId: null }, update, during)).toBe(false);
  });
});

describe("findMentions", () => {
  const units = ["东晟社区", "城东社区", "东社区", "安全生产办公室"];
  it("finds each mentioned unit once, longest name first, in order", () => {
    expect(findMentions("请@城东社区 和 ＠安全生产办公室 配合，@城东社区 牵头", units)).toEqual(["城东社区", "安全生产办公室"]);
    expect(findMentions("@东社区", units)).toEqual(["东社区"]);
    expect(findMentions("东晟社区 没有at", units)).toEqual([]);
  });
});

describe("sniffAttachmentType", () => {
  it("knows images and PDF by their first bytes, and nothing else", () => {
    expect(sniffAttachmentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("image/png");
    expect(sniffAttachmentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffAttachmentType(new TextEncoder().encode("%PDF-1.7"))).toBe("application/pdf");
    expect(sniffAttachmentType(new TextEncoder().encode("<html><script>"))).toBeNull();
    expect(sniffAttachmentType(new TextEncoder().encode("MZ\u0090\u0000"))).toBeNull();
  });
});
