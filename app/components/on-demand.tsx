// Parts of a page that few people open, in a JavaScript chunk of their own that the browser
// loads only when a part is first wanted: the page's first load carries less JavaScript.
//
// The server renders every part in full, so the page works without JavaScript. In the browser a
// part keeps the server's HTML, untouched by React (plain HTML: its forms post and its links
// load as without JavaScript), until the chunk is loaded; then React draws the part itself. A
// part with no server HTML (drawn in the browser) shows `pending` while the chunk loads, and
// `failed` if it cannot be loaded; a part with server HTML keeps it when loading fails.
// Each part sits in a <div class="on-demand">, which the page's CSS gives `display: contents`.
import { Suspense, useEffect, useId, useState, type ReactNode } from "react";

export interface OnDemandPartProps<M> {
  /** Load now (e.g. the part is shown or opened). */
  when: boolean;
  render: (module: M) => ReactNode;
  /** Shown while the chunk loads (or until wanted) when there is no server HTML to keep. */
  pending: ReactNode;
  /** Shown when the chunk could not be loaded and there is no server HTML to keep. */
  failed: ReactNode;
}

export interface OnDemand<M> {
  /** Starts loading the chunk (once); safe to call early, e.g. when a drag starts. */
  preload: () => void;
  Part: (props: OnDemandPartProps<M>) => ReactNode;
}

export function onDemand<M>(load: () => Promise<M>): OnDemand<M> {
  let loaded: { module: M } | null = null;
  let failure = false;
  let loading: Promise<void> | null = null;

  function start(): Promise<void> {
    loading ??= load().then(
      (module) => {
        loaded = { module };
      },
      () => {
        failure = true;
      },
    );
    return loading;
  }

  // The server has it at hand from its first request on (the module is part of its build).
  if (typeof document === "undefined") void start();

  /** On the server, should a request come before the module is in: wait for it. */
  function ServerPart({ render, failed }: Pick<OnDemandPartProps<M>, "render" | "failed">) {
    if (loaded) return <>{render(loaded.module)}</>;
    if (failure) return <>{failed}</>;
    throw start();
  }

  function Part({ when, render, pending, failed }: OnDemandPartProps<M>) {
    const id = useId();
    // While hydrating, what the server drew for this part (null when React draws it anew).
    const [serverHtml] = useState(() =>
      typeof document === "undefined" || loaded ? null : (document.getElementById(id)?.innerHTML ?? null),
    );
    const [, settled] = useState(false);
    useEffect(() => {
      if (!when || loaded || failure) return;
      let mounted = true;
      void start().then(() => mounted && settled(true));
      return () => {
        mounted = false;
      };
    }, [when]);

    if (typeof document === "undefined") {
      return (
        <div id={id} className="on-demand">
          {loaded ? (
            render(loaded.module)
          ) : (
            <Suspense fallback={null}>
              <ServerPart render={render} failed={failed} />
            </Suspense>
          )}
        </div>
      );
    }
    if (!loaded && serverHtml !== null) {
      // Left as the server drew it: React neither hydrates nor rewrites what is inside.
      return <div key="server" id={id} className="on-demand" dangerouslySetInnerHTML={{ __html: serverHtml }} />;
    }
    return (
      <div key="client" id={id} className="on-demand">
        {loaded ? render(loaded.module) : failure ? failed : pending}
      </div>
    );
  }

  return { preload: () => void start(), Part };
}
