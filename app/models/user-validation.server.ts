// Form schemas for accounts. Server-only: zod must not reach the browser bundle.
import { z } from "zod";
import { id } from "~/utils/forms.server";
import { passwordProblem } from "~/utils/password.server";

const ROLES = ["admin", "leader", "secretary", "viewer"] as const;

export const UsernameSchema = z
  .string({ error: "请填写用户名。" })
  .trim()
  .toLowerCase()
  .min(2, "用户名至少2个字符。")
  .max(32, "用户名不能超过32个字符。")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "用户名只能使用英文字母、数字和 . _ -，并以字母或数字开头。");

export const DisplayNameSchema = z.string({ error: "请填写姓名。" }).trim().min(1, "请填写姓名。").max(40, "姓名不能超过40个字。");

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

export const LoginSchema = z.object({
  username: z.string({ error: "请输入用户名。" }).trim().min(1, "请输入用户名。").max(64, "用户名或密码错误。"),
  password: z.string({ error: "请输入密码。" }).min(1, "请输入密码。").max(256, "用户名或密码错误。"),
  redirectTo: z.string({ error: "登录后要打开的页面无效。" }).optional(),
});

export const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "请输入当前密码。" }).min(1, "请输入当前密码。"),
    newPassword: z.string({ error: "请输入新密码。" }).min(1, "请输入新密码。"),
    confirmPassword: z.string({ error: "请再次输入新密码。" }).min(1, "请再次输入新密码。"),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.newPassword);
    if (problem) ctx.addIssue({ code: "custom", path: ["newPassword"], message: problem });
    if (value.newPassword !== value.confirmPassword) {
      ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "两次输入的新密码不一致。" });
    }
    if (value.newPassword === value.currentPassword) {
      ctx.addIssue({ code: "custom", path: ["newPassword"], message: "新密码不能与当前密码相同。" });
    }
  });

export const CreateUserSchema = z.object({ username: UsernameSchema, displayName: DisplayNameSchema }).and(RoleAndUnitSchema);

export const EditUserSchema = z
  .object({
    displayName: DisplayNameSchema,
    version: id("版本号"),
    disabled: z.preprocess((v) => v === "on" || v === "1", z.boolean()),
  })
  .and(RoleAndUnitSchema);
