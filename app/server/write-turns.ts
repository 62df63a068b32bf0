// Turns to write, handed out by the cluster's primary in the order they were asked for.
//
// SQLite lets one connection write at a time; a second writer's BEGIN IMMEDIATE waits in
// SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries and is not a queue: under a
// stream of moves one worker keeps winning the lock while the other sleeps with its connection
// (and so all its reads) stalled. The primary process is idle and already talks to every
// worker, so it keeps the queue: a worker asks for a turn before BEGIN, gets it when the
// previous writer has committed, and gives it back after COMMIT or ROLLBACK.
//
// The turn is only an ordering: SQLite's lock still guarantees one writer at a time, so a worker
// that waits too long for its turn (a stuck primary) goes ahead and lets busy_timeout decide.
import type { Worker } from "node:cluster";
import type { TurnRelease } from "../../db/sqlite3-dialect";

/** A worker's request for a turn; `id` is unique within that worker. */
interface TurnRequest {
  worker: number;
  id: number;
}

/** The queue of turns: pure bookkeeping, so its order can be tested without processes. */
export class WriteTurnQueue {
  private current: TurnRequest | null = null;
  private grantedAt = 0;
  private readonly waiting: TurnRequest[] = [];

  /** Asks for a turn; returns the request if it is granted at once. */
  request(worker: number, id: number, now = Date.now()): TurnRequest | null {
    const request = { worker, id };
    if (this.current) {
      this.waiting.push(request);
      return null;
    }
    return this.grant(request, now);
  }

  /** Gives a turn back; returns the next request granted, if any. A stale release changes nothing. */
  release(worker: number, id: number, now = Date.now()): TurnRequest | null {
    if (this.current?.worker === worker && this.current.id === id) return this.next(now);
    // Given back before it was granted (the worker stopped waiting): just leave the queue.
    const index = this.waiting.findIndex((r) => r.worker === worker && r.id === id);
    if (index >= 0) this.waiting.splice(index, 1);
    return null;
  }

  /** A worker ended: its turn and its place in the queue go; returns the next request granted. */
  drop(worker: number, now = Date.now()): TurnRequest | null {
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].worker === worker) this.waiting.splice(i, 1);
    return this.current?.worker === worker ? this.next(now) : null;
  }

  /** A turn held longer than `limitMs` (a transaction that hangs) is taken back; returns the next grant. */
  expire(limitMs: number, now = Date.now()): TurnRequest | null {
    return this.current && now - this.grantedAt > limitMs ? this.next(now) : null;
  }

  /** The request holding the turn now. */
  get holder(): TurnRequest | null {
    return this.current;
  }

  get length(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  private next(now: number): TurnRequest | null {
    this.current = null;
    const request = this.waiting.shift();
    return request ? this.grant(request, now) : null;
  }

  private grant(request: TurnRequest, now: number): TurnRequest {
    this.current = request;
    this.grantedAt = now;
    return request;
  }
}

const REQUEST = "write-turn:request";
const GRANTED = "write-turn:granted";
const RELEASE = "write-turn:release";

type TurnMessage = { type: typeof REQUEST | typeof GRANTED | typeof RELEASE; id: number };

function isTurnMessage(message: unknown): message is TurnMessage {
  const m = message as Partial<TurnMessage> | null;
  return typeof m?.type === "string" && m.type.startsWith("write-turn:") && Number.isInteger(m.id);
}

/** No transaction of this app takes this long; a turn held longer is taken back. */
const HOLD_LIMIT_MS = 30_000;

/** In the primary: hands out turns to the workers (each known by its cluster id). */
export function serveWriteTurns(
  workers: () => Iterable<Worker>,
  log: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): {
  attach: (worker: Worker) => void;
  detach: (worker: Worker) => void;
} {
  const queue = new WriteTurnQueue();
  const byId = new Map<number, Worker>();
  const send = (request: TurnRequest | null) => {
    if (!request) return;
    const worker = byId.get(request.worker);
    if (worker?.isConnected()) worker.send({ type: GRANTED, id: request.id } satisfies TurnMessage);
    else send(queue.drop(request.worker));
  };
  const timer = setInterval(() => {
    const holder = queue.holder;
    const next = queue.expire(HOLD_LIMIT_MS);
    if (holder && queue.holder !== holder)
      log(`工作进程的一次写入占用写入轮次超过 ${HOLD_LIMIT_MS / 1000} 秒，已交给下一个写入（SQLite 的锁仍保证一次只有一个写入）。`);
    send(next);
  }, 5_000);
  timer.unref();
  for (const worker of workers()) byId.set(worker.id, worker);
  return {
    attach(worker) {
      byId.set(worker.id, worker);
      worker.on("message", (message: unknown) => {
        if (!isTurnMessage(message)) return;
        if (message.type === REQUEST) send(queue.request(worker.id, message.id));
        else if (message.type === RELEASE) send(queue.release(worker.id, message.id));
      });
    },
    detach(worker) {
      byId.delete(worker.id);
      send(queue.drop(worker.id));
    },
  };
}

/** How long a worker waits for its turn before it goes ahead and lets SQLite's lock decide. */
const TURN_WAIT_MS = 10_000;

/**
 * How many of its own transactions in a row a worker may run on one turn from the primary when
 * they are already waiting. Each hand-over through the primary costs two messages and a wake-up
 * of each process (about as long as the transaction itself under load), and the writer that comes
 * after another process's writer reads its pages afresh; the other workers wait at most this
 * many transactions longer.
 */
export const LOCAL_TURNS_IN_A_ROW = 4;

/**
 * In a worker: waits for this worker's turn to write and returns the function that gives it
 * back. `channel` is the worker's process (process.send / process.on("message")). The worker
 * asks the primary for one turn at a time and lends it to its own waiting transactions, up to
 * LOCAL_TURNS_IN_A_ROW in a row, before it goes back in the primary's queue.
 */
export function clusterWriteTurns(
  channel: Pick<NodeJS.Process, "send" | "on">,
  inARow: number = LOCAL_TURNS_IN_A_ROW,
): (owner?: unknown) => Promise<TurnRelease> {
  let nextId = 1;
  /** The primary's turn this worker holds, and the one it has asked for. */
  let held: number | null = null;
  let asked: number | null = null;
  /** Whether one of this worker's transactions is using the held turn, and how many have in a row. */
  let lent = false;
  let streak = 0;
  // At least the one transaction the turn was asked for.
  const limit = Math.max(1, inARow);
  const waiting: { owner: unknown; grant: (release: TurnRelease) => void }[] = [];

  const send = (type: TurnMessage["type"], id: number) => channel.send!({ type, id } satisfies TurnMessage);
  const giveBack = () => {
    if (held === null) return;
    send(RELEASE, held);
    held = null;
  };
  // Decides what happens to the turn whenever a transaction asks, ends, or the primary grants.
  const pump = () => {
    if (lent) return;
    if (held !== null && (waiting.length === 0 || streak >= limit)) giveBack();
    if (waiting.length === 0) return;
    if (held === null) {
      if (asked === null) send(REQUEST, (asked = nextId++));
      return;
    }
    lent = true;
    streak++;
    let returned = false;
    const release: TurnRelease = () => {
      if (returned) return;
      returned = true;
      lent = false;
      pump();
    };
    // Given back now, the turn would be lent on to the next waiter: is that one of `owner`'s?
    release.staysWith = (owner) => !returned && held !== null && streak < limit && waiting[0]?.owner === owner;
    waiting.shift()!.grant(release);
  };

  channel.on("message", (message: unknown) => {
    if (!isTurnMessage(message) || message.type !== GRANTED) return;
    // A grant nobody asked for any more is given straight back.
    if (message.id !== asked) return void send(RELEASE, message.id);
    asked = null;
    held = message.id;
    streak = 0;
    pump();
  });

  return (owner) =>
    new Promise((resolve) => {
      const waiter = {
        owner,
        grant: (release: TurnRelease) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        // No turn in time (a stuck primary): go ahead without one; SQLite's lock still holds.
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        resolve(() => undefined);
      }, TURN_WAIT_MS);
      timer.unref();
      waiting.push(waiter);
      pump();
    });
}
