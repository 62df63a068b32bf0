import { describe, expect, it } from "vitest";
import {
  restartDelayMs,
  runsBackgroundJobs,
  workerCount,
  workerExecArgv,
  WORKER_MAX_OLD_SPACE_MB,
  WORKER_SLOT_ENV,
} from "~/server/cluster";

describe("workerCount", () => {
  it("runs one worker per core unless WEB_CONCURRENCY says otherwise", () => {
    expect(workerCount({}, 4)).toBe(4);
    expect(workerCount({ WEB_CONCURRENCY: "" }, 2)).toBe(2);
    expect(workerCount({ WEB_CONCURRENCY: "1" }, 8)).toBe(1);
    expect(workerCount({ WEB_CONCURRENCY: " 3 " }, 8)).toBe(3);
  });

  it("refuses a WEB_CONCURRENCY that is not a positive whole number, in Chinese", () => {
    for (const bad of ["0", "-2", "1.5", "two"]) {
      expect(() => workerCount({ WEB_CONCURRENCY: bad }, 2)).toThrow(/WEB_CONCURRENCY 必须是正整数/);
    }
  });
});

describe("runsBackgroundJobs", () => {
  it("is true in a single-process server and in worker slot 1 only", () => {
    expect(runsBackgroundJobs({})).toBe(true);
    expect(runsBackgroundJobs({ [WORKER_SLOT_ENV]: "1" })).toBe(true);
    expect(runsBackgroundJobs({ [WORKER_SLOT_ENV]: "2" })).toBe(false);
  });
});

describe("restartDelayMs", () => {
  it("restarts quickly once and backs off when a worker keeps dying", () => {
    expect(restartDelayMs(1)).toBe(100);
    expect(restartDelayMs(3)).toBeGreaterThan(restartDelayMs(2));
    expect(restartDelayMs(50)).toBe(10_000);
  });
});

describe("workerExecArgv", () => {
  it("adds the heap ceiling to the primary's flags", () => {
    expect(workerExecArgv(["--enable-source-maps"], "")).toEqual([
      "--enable-source-maps",
      `--max-old-space-size=${WORKER_MAX_OLD_SPACE_MB}`,
    ]);
  });

  it("keeps a ceiling the operator set on the command line or in NODE_OPTIONS", () => {
    expect(workerExecArgv(["--max-old-space-size=4096"], "")).toEqual(["--max-old-space-size=4096"]);
    expect(workerExecArgv([], "--require ./x.cjs --max_old_space_size=512")).toEqual([]);
  });
});
