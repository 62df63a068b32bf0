// The cluster's writers take turns in the order they asked; a worker that dies or a turn that
// hangs never stops the others.
import { EventEmitter } from "node:events";
import type { Worker } from "node:cluster";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clusterWriteTurns, serveWriteTurns, WriteTurnQueue } from "~/server/write-turns";

describe("WriteTurnQueue", () => {
  it("grants turns one at a time, first asked first served", () => {
    const queue = new WriteTurnQueue();
    expect(queue.request(1, 1)).toEqual({ worker: 1, id: 1 });
    expect(queue.request(2, 1)).toBeNull();
    expect(queue.request(1, 2)).toBeNull();
    expect(queue.release(1, 1)).toEqual({ worker: 2, id: 1 });
    expect(queue.release(2, 1)).toEqual({ worker: 1, id: 2 });
    expect(queue.release(1, 2)).toBeNull();
    expect(queue.length).toBe(0);
    expect(queue.request(2, 2)).toEqual({ worker: 2, id: 2 });
  });

  it("ignores a release of a turn it does not hold, and lets a waiter leave the queue", () => {
    const queue = new WriteTurnQueue();
    queue.request(1, 1);
    queue.request(2, 7);
    queue.request(3, 1);
    expect(queue.release(9, 1)).toBeNull();
    expect(queue.release(2, 7)).toBeNull(); // gave up waiting: leaves the queue
    expect(queue.length).toBe(2);
    expect(queue.release(1, 1)).toEqual({ worker: 3, id: 1 });
  });

  it("drops a dead worker's turn and its waiting requests", () => {
    const queue = new WriteTurnQueue();
    queue.request(1, 1);
    queue.request(2, 1);
    queue.request(1, 2);
    queue.request(3, 1);
    expect(queue.drop(1)).toEqual({ worker: 2, id: 1 });
    expect(queue.release(2, 1)).toEqual({ worker: 3, id: 1 });
    expect(queue.length).toBe(1);
  });

  it("takes back a turn held past the limit", () => {
    const queue = new WriteTurnQueue();
    queue.request(1, 1, 1_000);
    queue.request(2, 1, 1_100);
    expect(queue.expire(30_000, 20_000)).toBeNull();
    expect(queue.expire(30_000, 31_001)).toEqual({ worker: 2, id: 1 });
  });
});

/** A worker process and its handle in the primary, joined by two event emitters (IPC). */
function fakeWorker(id: number) {
  const inWorker = new EventEmitter();
  const inPrimary = new EventEmitter();
  let connected = true;
  const worker = Object.assign(inPrimary, {
    id,
    isConnected: () => connected,
    send: (message: unknown) => {
      if (connected) queueMicrotask(() => inWorker.emit("message", message));
      return true;
    },
  }) as unknown as Worker;
  const channel = {
    on: inWorker.on.bind(inWorker),
    send: (message: unknown) => {
      if (connected) queueMicrotask(() => inPrimary.emit("message", message));
      return true;
    },
  } as unknown as Pick<NodeJS.Process, "send" | "on">;
  /** The turn messages this worker sent to the primary, in order. */
  const sent: string[] = [];
  inPrimary.on("message", (message: { type: string }) => sent.push(message.type));
  return { worker, channel, sent, disconnect: () => (connected = false) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A primary serving turns to two fake workers, 1 and 2. */
function twoWorkersAndPrimary() {
  const a = fakeWorker(1);
  const b = fakeWorker(2);
  const turns = serveWriteTurns(() => []);
  turns.attach(a.worker);
  turns.attach(b.worker);
  return { a, b, turns };
}

describe("write turns between the primary and its workers", () => {
  afterEach(() => vi.useRealTimers());

  it("a second worker writes only after the first gives its turn back", async () => {
    const { a, b } = twoWorkersAndPrimary();
    const takeA = clusterWriteTurns(a.channel);
    const takeB = clusterWriteTurns(b.channel);

    const releaseA = await takeA();
    let bGranted = false;
    const bTurn = takeB().then((release) => ((bGranted = true), release));
    await settle();
    expect(bGranted).toBe(false);
    releaseA();
    const releaseB = await bTurn;
    expect(bGranted).toBe(true);
    releaseB();
    releaseB(); // a second release changes nothing
    await expect(takeA()).resolves.toBeTypeOf("function");
  });

  it("a worker that dies holding its turn does not block the others", async () => {
    const { a, b, turns } = twoWorkersAndPrimary();
    await clusterWriteTurns(a.channel)();
    const bTurn = clusterWriteTurns(b.channel)();
    a.disconnect();
    turns.detach(a.worker);
    await expect(bTurn).resolves.toBeTypeOf("function");
  });

  it("lends its turn to its own waiting transactions, a few in a row, then queues behind the others", async () => {
    const { a, b } = twoWorkersAndPrimary();
    const takeA = clusterWriteTurns(a.channel, 2);
    const takeB = clusterWriteTurns(b.channel, 2);
    const order: string[] = [];
    const run = async (name: string, take: () => Promise<() => void>) => {
      const release = await take();
      order.push(name);
      await settle();
      release();
    };
    const firstA = await takeA();
    // While A writes, two more of A's transactions and one of B's wait.
    const waiting = [run("a2", takeA), run("b1", takeB), run("a3", takeA)];
    await settle();
    firstA();
    await Promise.all(waiting);
    // a2 rides on A's turn (two in a row); a3 waits behind B, who asked before A asked again.
    expect(order).toEqual(["a2", "b1", "a3"]);
    // A asked the primary twice for three transactions, and gave every turn back.
    expect(a.sent.filter((type) => type === "write-turn:request")).toHaveLength(2);
    expect(a.sent.filter((type) => type === "write-turn:release")).toHaveLength(2);
    await expect(takeB()).resolves.toBeTypeOf("function");
  });

  it("tells the holder whether its turn goes on to a waiting transaction of the same connection", async () => {
    const { a } = twoWorkersAndPrimary();
    const takeA = clusterWriteTurns(a.channel, 2);
    const [one, other] = [{}, {}];
    const first = await takeA(one);
    expect(first.staysWith?.(one)).toBe(false); // nobody waits
    const second = takeA(other);
    await settle();
    expect(first.staysWith?.(one)).toBe(false); // the next one is another connection's
    expect(first.staysWith?.(other)).toBe(true);
    first();
    expect(first.staysWith?.(other)).toBe(false); // given back: no longer its to pass on
    const secondRelease = await second;
    const third = takeA(other);
    await settle();
    // Two in a row already: the turn goes back to the primary, not on to `third`.
    expect(secondRelease.staysWith?.(other)).toBe(false);
    secondRelease();
    (await third)();
  });

  it("gives a turn back when its waiting transaction stopped waiting before it came", async () => {
    vi.useFakeTimers();
    const { a, b } = twoWorkersAndPrimary();
    const releaseA = await clusterWriteTurns(a.channel)();
    const takeB = clusterWriteTurns(b.channel);
    const impatient = takeB();
    await vi.advanceTimersByTimeAsync(10_001); // B goes ahead without a turn
    await expect(impatient).resolves.toBeTypeOf("function");
    expect(b.sent).toEqual(["write-turn:request"]); // its request stays in the primary's queue
    releaseA(); // the primary now grants B's old request: B hands it straight back
    await vi.advanceTimersByTimeAsync(0);
    expect(b.sent).toEqual(["write-turn:request", "write-turn:release"]);
    await expect(clusterWriteTurns(a.channel)()).resolves.toBeTypeOf("function");
  });

  it("without an answer from the primary a worker goes ahead after a while", async () => {
    vi.useFakeTimers();
    const lonely = fakeWorker(1); // no primary serves it
    const turn = clusterWriteTurns(lonely.channel)();
    await vi.advanceTimersByTimeAsync(10_001);
    await expect(turn).resolves.toBeTypeOf("function");
  });
});
