// Metric numbers as a 工作总结 writes them: rounding, percent units and "120次" / "95.5%".
// Apart from kpi.ts (which re-exports them) so the board's cards carry no KPI arithmetic.

const PERCENT_UNITS = new Set(["%", "％", "个百分点"]);

export function isPercentUnit(unit: string): boolean {
  return PERCENT_UNITS.has(unit.trim());
}

/** Half away from zero, without binary surprises (1.005 → 1.01, 26.55 → 26.6). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  const magnitude = Math.abs(value);
  const rounded = Math.round((magnitude + magnitude * Number.EPSILON) * factor) / factor;
  return rounded === 0 ? 0 : Math.sign(value) * rounded; // no "-0"
}

/**
 * A figure as a 工作总结 writes it: no thousands separators; percent units with at most one
 * decimal ("106.7%"), everything else with at most two ("26.5万元", "1226件"), trailing zeros
 * dropped.
 */
export function formatNumber(value: number, unit: string): string {
  const digits = isPercentUnit(unit) ? 1 : 2;
  return `${roundTo(value, digits)}${unit.trim()}`;
}
