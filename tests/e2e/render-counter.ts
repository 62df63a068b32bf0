// Counts React renders of the board's cards in the production build, through the hook React
// DOM offers developer tools: after each commit, a component rendered if its fiber was created
// for that commit (not reused as is from the previous tree) and carries React's PerformedWork
// flag. Cards are told apart by the element they render: the draggable <li class="task-card">
// (the card's wrapper) and the memoised <article class="task-card-body">.
export interface RenderCounts {
  commits: number;
  cardWrappers: number;
  cardBodies: number;
}

/** For page.addInitScript: must run before React loads. */
export function installRenderCounter() {
  const counts = { commits: 0, cardWrappers: 0, cardBodies: 0 };
  type Fiber = { tag: number; flags: number; child: Fiber | null; sibling: Fiber | null; stateNode: unknown };
  let previous = new Set<Fiber>();
  const PERFORMED_WORK = 1;
  const COMPONENT_TAGS = new Set([0, 11, 14, 15]); // function, forwardRef, memo, simple memo
  const HOST_ELEMENT = 5;
  const firstElement = (fiber: Fiber): Element | null => {
    let child = fiber.child;
    while (child && child.tag !== HOST_ELEMENT) child = child.child;
    return child ? (child.stateNode as Element) : null;
  };
  (window as unknown as { __renderCounts: typeof counts }).__renderCounts = counts;
  (window as unknown as { __REACT_DEVTOOLS_GLOBAL_HOOK__: unknown }).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
      counts.commits++;
      const seen = new Set<Fiber>();
      const stack = [root.current];
      while (stack.length) {
        const fiber = stack.pop()!;
        seen.add(fiber);
        if (COMPONENT_TAGS.has(fiber.tag) && fiber.flags & PERFORMED_WORK && !previous.has(fiber)) {
          const element = firstElement(fiber);
          if (element?.tagName === "LI" && element.classList.contains("task-card")) counts.cardWrappers++;
          else if (element?.tagName === "ARTICLE" && element.classList.contains("task-card-body")) counts.cardBodies++;
        }
        if (fiber.sibling) stack.push(fiber.sibling);
        if (fiber.child) stack.push(fiber.child);
      }
      previous = seen;
    },
  };
}
