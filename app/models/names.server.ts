// Names shown beside a row's ids: the display name of the user, and the name of the unit, that a
// column points at. One scalar subquery each, so a list query needs no join for them; null when
// the column is null (as a left join gives), `.$notNull()` where the column is a required key.
// The inner table is aliased, so a query that also joins users or units is not shadowed.
import { expressionBuilder, type Expression, type ExpressionBuilder, type ExpressionWrapper, type StringReference } from "kysely";
import type { Database } from "../../db/schema";

/** Builds the subqueries; the outer query's dialect compiles them. */
const lookup = expressionBuilder<Database, never>();

const NAME_QUERIES = {
  users: () => lookup.selectFrom("users as named").select("named.display_name as name"),
  units: () => lookup.selectFrom("units as named").select("named.name"),
};

function nameIn<DB extends Database, TB extends keyof DB>(
  table: keyof typeof NAME_QUERIES,
  eb: ExpressionBuilder<DB, TB>,
  id: StringReference<DB, TB>,
) {
  const key = eb.ref(id) as Expression<number | null>;
  return NAME_QUERIES[table]().where("named.id", "=", key).$asScalar() as ExpressionWrapper<DB, TB, string | null>;
}

/** `users.display_name` of the user whose id is in `userId` (e.g. "comments.author_id"). */
export function userName<DB extends Database, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, userId: StringReference<DB, TB>) {
  return nameIn("users", eb, userId);
}

/** `units.name` of the unit whose id is in `unitId` (e.g. "comments.target_unit_id"). */
export function unitName<DB extends Database, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, unitId: StringReference<DB, TB>) {
  return nameIn("units", eb, unitId);
}
