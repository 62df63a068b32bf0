// Other people's changes without a reload: every ~10 s ask the cheap poll endpoint for the
// plan's change counter (answered 304 by the server when unchanged), and revalidate the board
// only when it moved on. On focus, do the same check — and reload outright when the page has
// not been refreshed for a minute (lights depend on the date, and 填报 may have come in).
import { useCallback, useEffect, useRef } from "react";
import { useRevalidator } from "@remix-run/react";

export const POLL_INTERVAL_MS = 10_000;
const STALE_AFTER_MS = 60_000;

export interface LiveBoard {
  /** A move of ours took the counter from `before` to `after`: no need to reload for it. */
  acknowledge: (before: number, after: number) => void;
}

export function useLiveBoard({
  planId,
  changeSeq,
  paused,
  intervalMs = POLL_INTERVAL_MS,
}: {
  planId: number | null;
  changeSeq: number;
  /** While a card is being dragged or a dialog is open, the board must not change underneath. */
  paused: boolean;
  intervalMs?: number;
}): LiveBoard {
  const revalidator = useRevalidator();
  const knownSeq = useRef(changeSeq);
  const loadedAt = useRef(Date.now());
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const stateRef = useRef(revalidator.state);
  stateRef.current = revalidator.state;

  // Fresh loader data is the truth about the counter.
  useEffect(() => {
    knownSeq.current = changeSeq;
    loadedAt.current = Date.now();
  }, [changeSeq]);

  const acknowledge = useCallback((before: number, after: number) => {
    if (before === knownSeq.current) knownSeq.current = after;
  }, []);

  useEffect(() => {
    if (planId == null) return;
    let inFlight = false;
    async function check(forceIfStale: boolean) {
      if (inFlight || pausedRef.current || stateRef.current !== "idle" || document.visibilityState !== "visible") return;
      if (forceIfStale && Date.now() - loadedAt.current > STALE_AFTER_MS) {
        loadedAt.current = Date.now();
        revalidator.revalidate();
        return;
      }
      inFlight = true;
      try {
        const response = await fetch(`/board/poll?plan=${planId}`, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const body = (await response.json()) as { seq?: number };
        if (typeof body.seq === "number" && body.seq !== knownSeq.current && !pausedRef.current) {
          knownSeq.current = body.seq;
          loadedAt.current = Date.now();
          revalidator.revalidate();
        }
      } catch {
        // Offline for a moment: the next tick tries again.
      } finally {
        inFlight = false;
      }
    }
    const timer = window.setInterval(() => void check(false), intervalMs);
    const onFocus = () => void check(true);
    const onVisible = () => {
      if (document.visibilityState === "visible") void check(true);
    };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
    };
    // revalidator is a new object each render; its revalidate is stable enough for a timer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [planId, intervalMs]);

  return { acknowledge };
}
