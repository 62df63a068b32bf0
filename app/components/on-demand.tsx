// Parts of a page that few people open, in a JavaScript chunk of their own that the browser
// loads only when a part is first wanted (the page's first load carries less JavaScript).
//
// The server renders a part in full, so the page works without JavaScript. In the browser a part
// not yet wanted keeps the server's HTML as it is (React leaves a suspended boundary
// dehydrated), or shows `pending` when React has to draw it anew; once wanted, the chunk is
// loaded and the part takes over. A chunk that fails to load shows `failed`, never a blank.
import { Component, Suspense, type ReactNode } from "react";

export interface OnDemandPartProps<M> {
  /** Load now (e.g. the part is open). On the server every part is rendered. */
  when: boolean;
  render: (module: M) => ReactNode;
  /** Shown while the chunk loads (or until wanted, when the server's HTML is gone). */
  pending: ReactNode;
  /** Shown when the chunk could not be loaded. */
  failed: ReactNode;
}

export interface OnDemand<M> {
  /** Starts loading the chunk (once); safe to call early, e.g. when a drag starts. */
  preload: () => void;
  Part: (props: OnDemandPartProps<M>) => ReactNode;
}

export function onDemand<M>(load: () => Promise<M>): OnDemand<M> {
  let loaded: { module: M } | null = null;
  let failure: { error: unknown } | null = null;
  let loading: Promise<void> | null = null;
  let settle: () => void = () => {};
  // What a part not yet wanted waits on: settled once the chunk has loaded (or failed).
  const settled = new Promise<void>((resolve) => (settle = resolve));

  function start(): Promise<void> {
    loading ??= load().then(
      (module) => {
        loaded = { module };
        settle();
      },
      (error: unknown) => {
        failure = { error };
        settle();
      },
    );
    return loading;
  }

  function Gate({ when, render }: Pick<OnDemandPartProps<M>, "when" | "render">) {
    if (loaded) return <>{render(loaded.module)}</>;
    if (failure) throw failure.error;
    if (when || typeof document === "undefined") throw start();
    throw settled;
  }

  function Part({ when, render, pending, failed }: OnDemandPartProps<M>) {
    return (
      <LoadFailure failed={failed}>
        <Suspense fallback={pending}>
          <Gate when={when} render={render} />
        </Suspense>
      </LoadFailure>
    );
  }

  return { preload: () => void start(), Part };
}

/** Shows `failed` instead of the part when its chunk could not be loaded. */
class LoadFailure extends Component<{ failed: ReactNode; children: ReactNode }, { error: boolean }> {
  state = { error: false };

  static getDerivedStateFromError() {
    return { error: true };
  }

  render() {
    return this.state.error ? this.props.failed : this.props.children;
  }
}
