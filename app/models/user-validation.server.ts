import { z } from "zod";

export const ROLES = ["admin", "leader", "secretary", "viewer"] as const;

export const UsernameSchema = z
  .string({ error: "请填写用户名。" })
  .trim()
  .toLowerCase()
  .min(2, "用户名至少2个字符。")
  .max(32, "用户名不能超过32个字符。")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "用户名只能使用英文字母、数字和 . _ -，并以字母或数字开头。");

export const DisplayNameSchema = z
  .string({ error: "请填写姓名。" })
  .trim()
  .min(1, "请填写姓名。")
  .max(40, "姓名不能超过40个字。");

export const RoleSchema = z.enum(ROLES, { error: "请选择角色。" });

const optionalUnitId = z.preprocess(
  (value) => (value === "" || value == null ? null : value),
  z.coerce.number({ error: "所属单位无效。" }).int().positive("所属单位无效。").nullable(),
);

/** A secretary belongs to exactly one unit; other roles to none. */
export const RoleAndUnitSchema = z
  .object({ role: RoleSchema, unitId: optionalUnitId })
  .refine((value) => value.role !== "secretary" || value.unitId != null, {
    path: ["unitId"],
    message: "社区书记 / 科室负责人必须选择所属单位。",
  });
