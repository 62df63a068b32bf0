// Optimistic moves without a second copy of server state (as remix-run/example-trellix does):
// each card submits with its own fetcherKey, so a newer move of the same card supersedes the
// older one, and the board lays the formData of pending fetchers over the loader's cards.
// The move action answers with just the moved card (without its metrics); the board loader is not run again
// (see the route's shouldRevalidate), so confirmed cards are kept here until the loader
// catches up (a newer version arrives from a poll or focus revalidation).
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useFetcher, useFetchers, useRevalidator, useSubmit } from "@remix-run/react";
import { applyConfirmedCards, applyPendingMoves, isTaskStatus, type BoardCard, type MovedCard, type PendingMove } from "~/lib/board";

export const MOVE_FETCHER_PREFIX = "move:";

export type MoveResponse =
  | { ok: true; intent: "move"; card: MovedCard; seqBefore: number; seqAfter: number }
  | { ok: false; intent: "move"; taskId: number | null; message: string; status?: number };

export interface MoveRequest extends PendingMove {
  reason: string;
}

function readPendingMove(formData: FormData): PendingMove | null {
  const taskId = Number(formData.get("taskId"));
  const toStatus = formData.get("toStatus");
  if (!Number.isInteger(taskId) || !isTaskStatus(toStatus)) return null;
  const id = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" && value !== "" ? Number(value) : null;
  };
  return { taskId, toStatus, beforeId: id("beforeId"), afterId: id("afterId") };
}

export interface BoardMoves {
  cards: BoardCard[];
  pendingIds: ReadonlySet<number>;
  move: (request: MoveRequest) => void;
  /** Renders the watchers that collect each move's answer; place once in the board. */
  watchers: React.ReactNode;
}

export function useBoardMoves(
  loaderCards: BoardCard[],
  {
    onRefused,
    onConfirmed,
  }: {
    onRefused: (message: string, card: BoardCard | undefined, status: number | undefined) => void;
    onConfirmed: (seqBefore: number, seqAfter: number) => void;
  },
): BoardMoves {
  const submit = useSubmit();
  const fetchers = useFetchers();
  const [confirmed, setConfirmed] = useState<ReadonlyMap<number, MovedCard>>(() => new Map());
  const [watchKeys, setWatchKeys] = useState<string[]>([]);

  const pendingMoves = useMemo(() => {
    const moves: PendingMove[] = [];
    for (const fetcher of fetchers) {
      if (!fetcher.key.startsWith(MOVE_FETCHER_PREFIX) || fetcher.state === "idle" || !fetcher.formData) continue;
      const move = readPendingMove(fetcher.formData);
      if (move) moves.push(move);
    }
    return moves;
  }, [fetchers]);

  // Two steps, so that a confirmed card keeps its identity while only the pending moves change
  // (the merge with the loader's metrics makes a new object).
  const confirmedCards = useMemo(() => applyConfirmedCards(loaderCards, confirmed), [loaderCards, confirmed]);
  const cards = useMemo(() => applyPendingMoves(confirmedCards, pendingMoves), [confirmedCards, pendingMoves]);
  const pendingIds = useMemo(() => new Set(pendingMoves.map((m) => m.taskId)), [pendingMoves]);

  const cardsRef = useRef(cards);
  cardsRef.current = cards;
  const callbacks = useRef({ onRefused, onConfirmed });
  callbacks.current = { onRefused, onConfirmed };
  const revalidator = useRevalidator();

  const settle = useCallback(
    (response: MoveResponse) => {
      if (response.ok) {
        setConfirmed((current) => new Map(current).set(response.card.id, response.card));
        callbacks.current.onConfirmed(response.seqBefore, response.seqAfter);
      } else {
        const card = cardsRef.current.find((c) => c.id === response.taskId);
        callbacks.current.onRefused(response.message, card, response.status);
        // Someone else changed the board (a card or neighbour moved or vanished): fetch it anew.
        if (response.status === 404 || response.status === 409 || response.message.includes("刷新")) revalidator.revalidate();
      }
    },
    [revalidator],
  );

  const move = useCallback(
    (request: MoveRequest) => {
      const key = `${MOVE_FETCHER_PREFIX}${request.taskId}`;
      setWatchKeys((keys) => (keys.includes(key) ? keys : [...keys, key]));
      const formData = new FormData();
      formData.set("intent", "move");
      formData.set("taskId", String(request.taskId));
      formData.set("toStatus", request.toStatus);
      formData.set("beforeId", request.beforeId == null ? "" : String(request.beforeId));
      formData.set("afterId", request.afterId == null ? "" : String(request.afterId));
      formData.set("reason", request.reason);
      // The version the board shows: a card someone else changed since is refused (409), not overwritten.
      const version = cardsRef.current.find((c) => c.id === request.taskId)?.version;
      if (version != null) formData.set("version", String(version));
      submit(formData, { method: "post", action: "/board", navigate: false, fetcherKey: key, flushSync: true });
    },
    [submit],
  );

  const watchers = watchKeys.map((key) => <MoveWatcher key={key} fetcherKey={key} onSettled={settle} />);
  return { cards, pendingIds, move, watchers };
}

/** Hands a move's answer to the board once, before paint (so the card never flickers back). */
function MoveWatcher({ fetcherKey, onSettled }: { fetcherKey: string; onSettled: (response: MoveResponse) => void }) {
  const fetcher = useFetcher<MoveResponse>({ key: fetcherKey });
  const seen = useRef<unknown>(undefined);
  useLayoutEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data || fetcher.data === seen.current) return;
    seen.current = fetcher.data;
    onSettled(fetcher.data);
  }, [fetcher.state, fetcher.data, onSettled]);
  return null;
}
