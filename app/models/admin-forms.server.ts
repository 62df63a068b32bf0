// Form schemas for units and plan years. Server-only: zod must not reach the browser bundle.
import { z } from "zod";
import { id, text } from "~/utils/forms.server";

export const UnitSchema = z.object({
  name: text("单位名称", 40),
  kind: z.enum(["community", "office"], { error: "请选择单位类型。" }),
  sortOrder: z.coerce.number({ error: "排序须为整数。" }).int("排序须为整数。").min(0, "排序不能为负数。").max(100000, "排序数值过大。"),
});

export const EditUnitSchema = UnitSchema.extend({
  unitId: id("单位"),
  version: id("版本号"),
  active: z.preprocess((v) => v === "on", z.boolean()),
});

export const PlanSchema = z.object({
  year: z.coerce
    .number({ error: "请填写年度，例如 2026。" })
    .int("年度须为四位整数。")
    .min(2000, "年度须在2000年至2100年之间。")
    .max(2100, "年度须在2000年至2100年之间。"),
  organization: text("单位名称（如 平东街道）", 40),
});

export const StatusSchema = z.object({
  planId: id("年度计划"),
  version: id("版本号"),
  status: z.enum(["active", "archived"], { error: "无效的状态。" }),
});
