// The scheduler and the outbox worker of one process. Safe to start in every process of every
// app server: a scheduled slot is taken by one transaction (job_runs), and an outbox row by one
// worker's claim (status sending + lease), so each reminder is written once and sent once.
// The clock and the sending function can be replaced (tests).
import { Cron } from "croner";
import type { AppDatabase } from "../../db/index";
import { OFFICE_TIME_ZONE } from "~/lib/weeks";
import { deliverDueMessages, onOutboxWritten } from "~/models/outbox.server";
import { runDueJobs } from "~/models/reminders.server";
import type { SendFunction } from "~/utils/channel-senders.server";

export interface BackgroundJobsOptions {
  now?: () => Date;
  send?: SendFunction;
  /** croner pattern of the scheduler's check (default: every minute, at second 0). */
  schedulePattern?: string;
  /** croner pattern of the outbox worker's pass (default: every 5 seconds). */
  outboxPattern?: string;
  log?: (message: string) => void;
}

export interface BackgroundJobs {
  /** One scheduler check and one outbox pass, now (also what start-up does, to catch up). */
  runNow(): Promise<void>;
  stop(): void;
}

export function startBackgroundJobs(db: AppDatabase, options: BackgroundJobsOptions = {}): BackgroundJobs {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((message: string) => console.error(message));
  let stopped = false;

  // One outbox pass at a time in this process; a wake-up during a pass runs one more after it.
  let delivering: Promise<void> | null = null;
  let again = false;
  const deliver = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (delivering) {
      again = true;
      return delivering;
    }
    delivering = (async () => {
      try {
        do {
          again = false;
          const report = await deliverDueMessages(db, { now, send: options.send });
          if (report.sent + report.failed + report.retrying > 0 && !stopped) again = true;
        } while (again && !stopped);
      } catch (error) {
        log(`消息发送出错（稍后重试）：${(error as Error).message}`);
      } finally {
        delivering = null;
      }
    })();
    return delivering;
  };

  let scheduling: Promise<void> | null = null;
  const schedule = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    scheduling ??= (async () => {
      try {
        for (const outcome of await runDueJobs(db, now())) log(`定时任务 ${outcome.name}（${outcome.slot}）：${outcome.result}`);
      } catch (error) {
        log(`定时任务出错（下一分钟重试）：${(error as Error).message}`);
      } finally {
        scheduling = null;
      }
    })();
    return scheduling;
  };

  const runNow = async () => {
    await schedule();
    await deliver();
  };

  const crons = [
    new Cron(options.schedulePattern ?? "0 * * * * *", { timezone: OFFICE_TIME_ZONE, protect: true, unref: true }, () => schedule()),
    new Cron(options.outboxPattern ?? "*/5 * * * * *", { timezone: OFFICE_TIME_ZONE, protect: true, unref: true }, () => deliver()),
  ];
  const unsubscribe = onOutboxWritten(() => {
    setImmediate(() => void deliver());
  });
  // Start-up: make up a missed slot and send what an earlier process left behind.
  void runNow();

  return {
    runNow,
    stop() {
      stopped = true;
      unsubscribe();
      for (const cron of crons) cron.stop();
    },
  };
}
