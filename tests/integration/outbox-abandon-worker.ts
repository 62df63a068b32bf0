// A worker that dies between claiming and sending (run as its own process by notify.test.ts):
// it claims every due outbox row, prints their ids, and kills itself before sending anything.
import { claimDueMessages } from "../../app/models/outbox.server";
import { getDb } from "../../app/utils/db.server";

const now = new Date(process.argv[2] ?? Date.now());
const claimed = await claimDueMessages(getDb(), now);
process.stdout.write(`${JSON.stringify(claimed.map((row) => row.id))}\n`, () => process.kill(process.pid, "SIGKILL"));
