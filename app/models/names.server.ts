// Names shown beside a row's ids: the display name of the user, and the name of the unit, that a
// column points at. One scalar subquery each, so a list query needs no join for them; null when
// the column is null (as a left join gives), `.$notNull()` where the column is a required key.
// The inner tables are aliased, so a query that also joins users or units is not shadowed.
import { expressionBuilder, type Expression, type ExpressionBuilder, type ExpressionWrapper, type StringReference } from "kysely";
import type { Database } from "../../db/schema";

/** Builds the subqueries; the outer query's dialect compiles them. */
const lookup = expressionBuilder<Database, never>();

/** `users.display_name` of the user whose id is in `userId` (e.g. "comments.author_id"). */
export function userName<DB extends Database, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  userId: StringReference<DB, TB>,
): ExpressionWrapper<DB, TB, string | null> {
  const id = eb.ref(userId) as Expression<number | null>;
  return lookup.selectFrom("users as named_user").select("named_user.display_name").where("named_user.id", "=", id).$asScalar();
}

/** `units.name` of the unit whose id is in `unitId` (e.g. "comments.target_unit_id"). */
export function unitName<DB extends Database, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  unitId: StringReference<DB, TB>,
): ExpressionWrapper<DB, TB, string | null> {
  const id = eb.ref(unitId) as Expression<number | null>;
  return lookup.selectFrom("units as named_unit").select("named_unit.name").where("named_unit.id", "=", id).$asScalar();
}
