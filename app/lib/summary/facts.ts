/**
 * The writer's fact table (style rule 3): each measure is stated once, with one value.
 *
 * A measure is what a figure counts, whatever task it hangs on: "“三会一课”活动" in 次 is one
 * measure even when two tasks report it. The writer groups metrics into measures before it
 * writes, and records every statement here; a second statement with another value is a
 * programming error and throws, so a draft can never say 61 in one place and 62 in another.
 */
import type { SummaryMetric } from "~/lib/summary/types";

/** "“三会一课”活动" and "三会一课活动" name one measure; its unit is part of it. */
export function measureKey(name: string, unit: string): string {
  return `${name.replace(/[“”"'‘’《》\s]/gu, "")}|${unit.trim()}`;
}

export interface Measure {
  key: string;
  /** The measure as one metric: the most complete report of it (see groupMeasures). */
  metric: SummaryMetric;
  /** Tasks that report it (empty for a plan-level figure). */
  taskIds: number[];
  category: string;
}

/**
 * Metrics → measures. When several tasks report the same measure, their reports count the
 * same activity, so the figure is the most complete of them (the largest actual); its
 * target, baseline and period go with it. Order: as the metrics came.
 */
export function groupMeasures(metrics: SummaryMetric[], categoryOf: (m: SummaryMetric) => string): Measure[] {
  const byKey = new Map<string, SummaryMetric[]>();
  for (const m of metrics) {
    const key = measureKey(m.name, m.unit);
    byKey.set(key, [...(byKey.get(key) ?? []), m]);
  }
  return [...byKey.entries()].map(([key, members]) => {
    const reported = members.filter((m) => m.actual !== null);
    const best = reported.length ? reported.reduce((a, b) => (b.actual! > a.actual! ? b : a)) : members[0];
    const metric: SummaryMetric = {
      ...best,
      target: best.target ?? members.find((m) => m.target !== null)?.target ?? null,
      phrase: members.find((m) => m.phrase?.trim())?.phrase ?? null,
      sourceSentence: best.sourceSentence ?? members.find((m) => m.sourceSentence)?.sourceSentence ?? null,
    };
    const taskIds = [...new Set(members.map((m) => m.taskId).filter((id): id is number => id !== null))];
    return { key, metric, taskIds, category: categoryOf(best) };
  });
}

export interface Fact {
  key: string;
  value: number;
  period: string;
  /** Where it was first stated ("二.（一）"; null: the opening). */
  ref: string | null;
}

export class FactConflict extends Error {
  constructor(
    readonly fact: Fact,
    readonly value: number,
  ) {
    super(`measure ${fact.key} stated as ${fact.value} (${fact.ref ?? "开头"}) and again as ${value}`);
  }
}

export class FactTable {
  private readonly facts = new Map<string, Fact>();

  has(key: string): boolean {
    return this.facts.has(key);
  }

  /** Records a statement; the same measure again with another value or period throws. */
  record(key: string, value: number, period: string, ref: string | null): void {
    const known = this.facts.get(key);
    if (known) {
      if (known.value !== value || known.period !== period) throw new FactConflict(known, value);
      return;
    }
    this.facts.set(key, { key, value, period, ref });
  }

  list(): Fact[] {
    return [...this.facts.values()];
  }
}
