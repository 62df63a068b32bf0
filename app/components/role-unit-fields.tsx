// A user's 角色 and 所属单位 choices, shared by the new-user and edit-user forms.
import { ROLES } from "~/lib/labels";
import { ROLE_LABELS } from "~/utils/permissions";

export function RoleAndUnitFields({
  role,
  unitId,
  units,
  errors,
}: {
  role: string;
  unitId: string;
  /** The units to choose from; inactive ones (kept for an existing user) are marked 已停用. */
  units: readonly { id: number; name: string; active?: number | boolean }[];
  errors: Record<string, string | undefined>;
}) {
  return (
    <>
      <label className="field">
        <span>角色</span>
        <select name="role" defaultValue={role} aria-invalid={errors.role ? true : undefined}>
          {ROLES.map((choice) => (
            <option key={choice} value={choice}>
              {ROLE_LABELS[choice]}
            </option>
          ))}
        </select>
        {errors.role ? <span className="field-error">{errors.role}</span> : null}
      </label>
      <label className="field">
        <span>所属单位（社区书记 / 科室负责人必选）</span>
        <select name="unitId" defaultValue={unitId} aria-invalid={errors.unitId ? true : undefined}>
          <option value="">（无）</option>
          {units.map((unit) => (
            <option key={unit.id} value={unit.id}>
              {unit.active === undefined || unit.active ? unit.name : `${unit.name}（已停用）`}
            </option>
          ))}
        </select>
        {errors.unitId ? <span className="field-error">{errors.unitId}</span> : null}
      </label>
    </>
  );
}
