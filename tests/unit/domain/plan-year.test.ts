import { describe, expect, it } from "vitest";
import { choosePlan, defaultPlanFor, planYearHasBegun, yearOfDateKey } from "~/lib/plan-year";

// Dates relative to one "today"; the rule never depends on which year the tests run in.
const today = "2031-06-15";
const thisYear = yearOfDateKey(today);
const plan = (year: number) => ({ id: year, year });

describe("defaultPlanFor", () => {
  it("opens this year's plan even when a future plan exists", () => {
    expect(defaultPlanFor([plan(thisYear + 1), plan(thisYear), plan(thisYear - 1)], today)?.year).toBe(thisYear);
  });

  it("falls back to the newest past plan, never to a future one", () => {
    expect(defaultPlanFor([plan(thisYear - 2), plan(thisYear + 1), plan(thisYear - 1)], today)?.year).toBe(thisYear - 1);
  });

  it("is null when only future plans exist, or none", () => {
    expect(defaultPlanFor([plan(thisYear + 1)], today)).toBeNull();
    expect(defaultPlanFor([], today)).toBeNull();
  });

  it("switches on 1 January", () => {
    const plans = [plan(2030), plan(2031)];
    expect(defaultPlanFor(plans, "2030-12-31")?.year).toBe(2030);
    expect(defaultPlanFor(plans, "2031-01-01")?.year).toBe(2031);
  });
});

describe("choosePlan", () => {
  it("gives the year asked for, future ones too, and null for a year without a plan", () => {
    const plans = [plan(thisYear - 1), plan(thisYear + 1)];
    expect(choosePlan(plans, thisYear + 1, today)?.year).toBe(thisYear + 1);
    expect(choosePlan(plans, thisYear, today)).toBeNull();
    expect(choosePlan(plans, null, today)?.year).toBe(thisYear - 1);
  });
});

describe("planYearHasBegun", () => {
  it("is false only before the plan's 1 January", () => {
    expect(planYearHasBegun(2032, "2031-12-31")).toBe(false);
    expect(planYearHasBegun(2032, "2032-01-01")).toBe(true);
    expect(planYearHasBegun(2030, today)).toBe(true);
  });
});
