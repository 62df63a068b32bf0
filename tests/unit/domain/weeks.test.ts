import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  daysBetween,
  formatDate,
  formatDateTime,
  isWeekKey,
  nextWeek,
  parseWeekKey,
  previousWeek,
  toDateKey,
  weekKeyOf,
  weekLabel,
  weekRange,
  weeksBetween,
} from "~/lib/weeks";

describe("weekKeyOf", () => {
  it("puts Sunday 23:59:59 Shanghai in the old week and Monday 00:00 Shanghai in the new one", () => {
    // Sunday 16:00Z is Monday 00:00 in Shanghai (UTC+8).
    expect(weekKeyOf(new Date("2025-03-16T15:59:59Z"))).toBe("2025-W11");
    expect(weekKeyOf(new Date("2025-03-16T16:00:00Z"))).toBe("2025-W12");
    expect(weekKeyOf(new Date("2025-03-16T23:59:59+08:00"))).toBe("2025-W11");
    expect(weekKeyOf(new Date("2025-03-17T00:00:00+08:00"))).toBe("2025-W12");
  });

  it("uses the ISO week-year at the year turn", () => {
    expect(weekKeyOf("2024-12-30")).toBe("2025-W01");
    expect(weekKeyOf(new Date("2024-12-29T16:00:00Z"))).toBe("2025-W01");
    expect(weekKeyOf("2024-12-29")).toBe("2024-W52");
    expect(weekKeyOf("2021-01-03")).toBe("2020-W53");
    expect(weekKeyOf("2027-01-01")).toBe("2026-W53");
  });

  it("zero-pads the week number", () => {
    expect(weekKeyOf("2025-01-08")).toBe("2025-W02");
  });

  it("rejects an impossible date key", () => {
    expect(() => weekKeyOf("2025-02-30")).toThrow(/无效的日期/);
    expect(() => weekKeyOf(new Date("nonsense"))).toThrow(/无效的日期/);
  });
});

describe("parseWeekKey", () => {
  it("accepts W53 only in years that have one", () => {
    expect(parseWeekKey("2020-W53")).toEqual({ year: 2020, week: 53 });
    expect(parseWeekKey("2026-W53")).toEqual({ year: 2026, week: 53 });
    expect(() => parseWeekKey("2025-W53")).toThrow("2025年没有第53周");
    expect(() => parseWeekKey("2024-W53")).toThrow(RangeError);
  });

  it.each(["2025-W1", "2025-W00", "2025-W54", "2025W12", "25-W12", "2025-w12", " 2025-W12", ""])("rejects the malformed key %j", (key) => {
    expect(() => parseWeekKey(key)).toThrow(RangeError);
    expect(isWeekKey(key)).toBe(false);
  });
});

describe("weekRange", () => {
  it("runs from Monday 00:00 Shanghai to the next Monday 00:00, as instants", () => {
    expect(weekRange("2025-W12")).toEqual({
      start: new Date("2025-03-16T16:00:00Z"),
      end: new Date("2025-03-23T16:00:00Z"),
    });
  });

  it("starts week 1 in the previous calendar year when the ISO year does", () => {
    expect(weekRange("2025-W01").start).toEqual(new Date("2024-12-30T00:00:00+08:00"));
    expect(weekRange("2020-W53").end).toEqual(new Date("2021-01-04T00:00:00+08:00"));
  });

  it("contains exactly the instants whose week key it is", () => {
    const { start, end } = weekRange("2026-W53");
    expect(weekKeyOf(start)).toBe("2026-W53");
    expect(weekKeyOf(new Date(end.getTime() - 1))).toBe("2026-W53");
    expect(weekKeyOf(end)).toBe("2027-W01");
  });
});

describe("weekLabel", () => {
  it("shows the week number and its Monday to Sunday", () => {
    expect(weekLabel("2025-W12")).toBe("第12周（3月17日—3月23日）");
  });

  it("shows the years when the week spans a year turn", () => {
    expect(weekLabel("2025-W01")).toBe("第1周（2024年12月30日—2025年1月5日）");
    expect(weekLabel("2020-W53")).toBe("第53周（2020年12月28日—2021年1月3日）");
  });
});

describe("previousWeek / nextWeek / weeksBetween", () => {
  it("steps across year turns and week 53", () => {
    expect(nextWeek("2020-W52")).toBe("2020-W53");
    expect(nextWeek("2020-W53")).toBe("2021-W01");
    expect(nextWeek("2025-W52")).toBe("2026-W01");
    expect(previousWeek("2021-W01")).toBe("2020-W53");
    expect(previousWeek("2026-W01")).toBe("2025-W52");
  });

  it("round-trips", () => {
    for (const key of ["2020-W53", "2025-W01", "2025-W12", "2026-W53"]) {
      expect(previousWeek(nextWeek(key))).toBe(key);
      expect(weekKeyOf(weekRange(key).start)).toBe(key);
      expect(weekKeyOf(toDateKey(weekRange(key).start))).toBe(key);
    }
  });

  it("lists weeks inclusively, and nothing for a reversed range", () => {
    expect(weeksBetween("2020-W52", "2021-W02")).toEqual(["2020-W52", "2020-W53", "2021-W01", "2021-W02"]);
    expect(weeksBetween("2025-W12", "2025-W12")).toEqual(["2025-W12"]);
    expect(weeksBetween("2025-W13", "2025-W12")).toEqual([]);
    expect(weeksBetween("2025-W01", "2025-W52")).toHaveLength(52);
  });

  it("rejects malformed keys", () => {
    expect(() => nextWeek("2025-W53")).toThrow(RangeError);
    expect(() => weeksBetween("2025-W01", "2025-13")).toThrow(RangeError);
  });
});

describe("dates", () => {
  it("formats dates and times in Shanghai time", () => {
    expect(formatDate(new Date("2025-03-04T16:00:00Z"))).toBe("2025年3月5日");
    expect(formatDate("2025-03-05")).toBe("2025年3月5日");
    expect(formatDate("2025-03-04T16:00:00.000Z")).toBe("2025年3月5日");
    expect(formatDateTime(new Date("2025-03-05T06:05:00Z"))).toBe("2025年3月5日 14:05");
  });

  it("gives the Shanghai calendar date of an instant", () => {
    expect(toDateKey(new Date("2025-03-04T15:59:59Z"))).toBe("2025-03-04");
    expect(toDateKey(new Date("2025-03-04T16:00:00Z"))).toBe("2025-03-05");
  });

  it("counts calendar days between date keys", () => {
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2025-03-05", "2025-03-01")).toBe(-4);
    expect(daysBetween("2024-12-31", "2025-01-01")).toBe(1);
  });
});

describe("in a process running in another time zone", () => {
  const originalTimeZone = process.env.TZ;
  beforeAll(() => {
    // New York changes to summer time on 2025-03-09; Shanghai weeks must not notice.
    process.env.TZ = "America/New_York";
  });
  afterAll(() => {
    process.env.TZ = originalTimeZone;
  });

  it("still answers in Shanghai time", () => {
    expect(weekRange("2025-W12").start).toEqual(new Date("2025-03-16T16:00:00Z"));
    expect(weekRange("2025-W11").end).toEqual(new Date("2025-03-16T16:00:00Z"));
    expect(weekKeyOf(new Date("2025-03-16T16:00:00Z"))).toBe("2025-W12");
    expect(nextWeek("2025-W10")).toBe("2025-W11");
    expect(formatDateTime(new Date("2025-03-09T07:30:00Z"))).toBe("2025年3月9日 15:30");
    expect(daysBetween("2025-03-08", "2025-03-10")).toBe(2);
  });
});

describe("weekDistance", () => {
  it("counts weeks across year turns and week 53 without walking them", async () => {
    const { weekDistance, weeksBetween } = await import("../../../app/lib/weeks");
    expect(weekDistance("2025-W01", "2025-W01")).toBe(0);
    expect(weekDistance("2025-W01", "2025-W10")).toBe(9);
    expect(weekDistance("2020-W52", "2021-W02")).toBe(3); // 2020 has a week 53
    expect(weekDistance("2026-W02", "2025-W52")).toBe(-2); // 2025 has 52 weeks
    for (const [from, to] of [
      ["2024-W40", "2026-W12"],
      ["2019-W01", "2020-W53"],
    ]) {
      expect(weekDistance(from, to)).toBe(weeksBetween(from, to).length - 1);
    }
  });
});

describe("formatDateKey (the board's date words, without the week arithmetic)", () => {
  it("says a date key as formatDate does", async () => {
    const { formatDateKey } = await import("~/lib/date-keys");
    for (const key of ["2025-03-05", "2025-12-31", "2024-02-29", "2026-01-01"]) expect(formatDateKey(key)).toBe(formatDate(key));
    expect(formatDateKey("2025年3月5日")).toBe("2025年3月5日");
  });
});

describe("formatDateTime in a server whose own zone has daylight saving", () => {
  it("still gives Shanghai's wall time on the night the server's clocks change", () => {
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      // 2085-03-11 02:50 in Shanghai, the night New York springs forward.
      expect(formatDateTime(new Date("2085-03-10T18:50:48Z"))).toBe("2085年3月11日 02:50");
      expect(formatDateTime("2025-03-09T07:30:00Z")).toBe("2025年3月9日 15:30");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

describe("weekLabel with the plan's year", () => {
  it("names the year of a week outside the plan's year, and only then", () => {
    expect(weekLabel("2026-W49", 2025)).toBe("2026年第49周（11月30日—12月6日）");
    expect(weekLabel("2026-W49", 2026)).toBe("第49周（11月30日—12月6日）");
    expect(weekLabel("2026-W49")).toBe("第49周（11月30日—12月6日）");
  });
});
