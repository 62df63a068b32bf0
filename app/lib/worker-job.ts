// Work that must not hold up the server's event loop (opening a .docx, analysing a long text)
// runs on a worker thread: one job at a time with a few waiting, each under a time and memory
// limit, and the worker ended as soon as it has answered.
import { Worker, type WorkerOptions } from "node:worker_threads";

/** Runs jobs one at a time with at most `maxWaiting` behind the running one; past that, `busy()` is thrown. */
export function oneAtATime(maxWaiting: number, busy: () => Error) {
  let running: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return function enqueue<T>(job: () => Promise<T>): Promise<T> {
    if (waiting >= maxWaiting) return Promise.reject(busy());
    waiting++;
    const turn = running.then(() => {
      waiting--;
      return job();
    });
    running = turn.catch(() => undefined);
    return turn;
  };
}

export interface WorkerJob<Message, Result> {
  script: string | URL;
  options: WorkerOptions;
  timeLimitMs: number;
  /** The worker's one message as a result; throw to refuse it. */
  onMessage(message: Message): Result;
  onTimeout(): Error;
  onError(error: NodeJS.ErrnoException): Error;
  /** The worker exited without a message. */
  onExit(): Error;
}

export function runWorker<Message, Result>(job: WorkerJob<Message, Result>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(job.script, job.options);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => settle(() => reject(job.onTimeout())), job.timeLimitMs);
    worker.on("message", (message: Message) =>
      settle(() => {
        try {
          resolve(job.onMessage(message));
        } catch (error) {
          reject(error);
        }
      }),
    );
    worker.on("error", (error: NodeJS.ErrnoException) => settle(() => reject(job.onError(error))));
    worker.on("exit", () => settle(() => reject(job.onExit())));
  });
}
