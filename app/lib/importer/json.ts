import { z } from "zod";
import type { ParsedSummary, SectionJson, SectionNode, SummaryJson } from "~/lib/importer/types";

/** The exact JSON the CLI prints: what an import preview needs, without offsets. */
export function toSummaryJson(parsed: ParsedSummary): SummaryJson {
  return {
    title: parsed.title,
    unit: parsed.unit,
    year: parsed.year,
    date: parsed.date,
    planYear: parsed.planYear,
    sections: parsed.sections.map(sectionJson),
    problems: parsed.problems.map((p) => ({ ref: p.ref, text: p.text })),
    plan: parsed.plan.map((p) => ({ ref: p.ref, title: p.title, text: p.text, targets: p.targets })),
    vision: parsed.vision.map((p) => ({ ref: p.ref, title: p.title, text: p.text, targets: p.targets })),
    metrics: parsed.metrics.map((m) => ({
      name: m.name,
      value: m.value,
      unit: m.unit,
      kind: m.kind,
      approximate: m.approximate,
      qualifier: m.qualifier,
      ref: m.ref,
      sentence: m.sentence,
      period: m.period,
      estimated: m.estimated,
    })),
  };
}

function sectionJson(node: SectionNode): SectionJson {
  return { number: node.number, heading: node.heading, kind: node.kind, children: node.children.map(sectionJson) };
}

const sectionKind = z.enum(["highlights", "work", "problems", "plan", "vision", "other"]);

const planTargetSchema = z
  .object({
    name: z.string(),
    value: z.number().finite(),
    unit: z.string().min(1),
    kind: z.enum(["actual", "forecast", "target", "cap", "rate"]),
    qualifier: z.string().nullable(),
    sentence: z.string(),
  })
  .strict();
const planItemSchema = z.object({ ref: z.string(), title: z.string(), text: z.string(), targets: z.array(planTargetSchema) }).strict();

const sectionJsonSchema: z.ZodType<SectionJson> = z.lazy(() =>
  z
    .object({
      number: z.string(),
      heading: z.string(),
      kind: sectionKind,
      children: z.array(sectionJsonSchema),
    })
    .strict(),
);

/** Validates the CLI / preview JSON (used by tests and by anyone consuming the CLI's output). */
export const summaryJsonSchema = z
  .object({
    title: z.string().nullable(),
    unit: z.string().nullable(),
    year: z.number().int().nullable(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable(),
    planYear: z.number().int().nullable(),
    sections: z.array(sectionJsonSchema),
    problems: z.array(z.object({ ref: z.string(), text: z.string() }).strict()),
    plan: z.array(planItemSchema),
    vision: z.array(planItemSchema),
    metrics: z.array(
      z
        .object({
          name: z.string(),
          value: z.number().finite(),
          unit: z.string().min(1),
          kind: z.enum(["actual", "forecast", "target", "cap", "rate"]),
          approximate: z.boolean(),
          qualifier: z.string().nullable(),
          ref: z.string().nullable(),
          sentence: z.string(),
          period: z.string(),
          estimated: z.boolean(),
        })
        .strict(),
    ),
  })
  .strict();
