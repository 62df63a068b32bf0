// Every migration, in order. Listed statically (not read from the folder at run time)
// so the same list works under tsx, Vitest and a bundler alike.
import type { Migration } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0002 from "./0002_board";
import * as m0003 from "./0003_updates";
import * as m0006 from "./0006_postgres";
import * as m0007 from "./0007_submission_keys";
import * as m0010 from "./0010_summary_next_year";
import * as m0011 from "./0011_extensions_briefings";
import * as m0012 from "./0012_outbox";
import * as m0013 from "./0013_updates_latest_index";

export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_board": m0002,
  "0003_updates": m0003,
  "0006_postgres": m0006,
  "0007_submission_keys": m0007,
  "0010_summary_next_year": m0010,
  "0011_extensions_briefings": m0011,
  "0012_outbox": m0012,
  "0013_updates_latest_index": m0013,
};
