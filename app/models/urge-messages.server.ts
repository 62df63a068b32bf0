// A 催办 reaches the unit's channels at once: its outbox rows are written in the 催办's own
// transaction (one message per unit, listing every task it was urged about).
import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { urgeMessage } from "~/lib/notify";
import { enqueueMessage } from "~/models/outbox.server";
import { baseUrlOf, readSettings } from "~/models/notify-settings.server";

export async function enqueueUrge(
  trx: Transaction<Database>,
  input: { actorId: number; unitId: number; taskIds: number[]; note: string },
  now: Date,
): Promise<number> {
  if (input.taskIds.length === 0) return 0;
  const unit = await trx.selectFrom("units").select("name").where("id", "=", input.unitId).executeTakeFirstOrThrow();
  const leader = await trx.selectFrom("users").select("display_name").where("id", "=", input.actorId).executeTakeFirstOrThrow();
  const tasks = await trx
    .selectFrom("tasks")
    .select(["id as taskId", "code", "title"])
    .where("id", "in", input.taskIds)
    .orderBy("code")
    .execute();
  const message = urgeMessage({
    baseUrl: baseUrlOf(await readSettings(trx)),
    unitName: unit.name,
    leaderName: leader.display_name,
    note: input.note,
    tasks,
  });
  return enqueueMessage(
    trx,
    { event: "urge", audience: "unit", unitId: input.unitId, taskId: tasks.length === 1 ? tasks[0].taskId : null, message },
    now,
  );
}
