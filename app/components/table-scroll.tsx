import type { ReactNode } from "react";

/**
 * A wide table's own sideways scroll area. It can take focus and is named, so a keyboard user can
 * scroll it with the arrow keys (WCAG 2.1.1; axe "scrollable-region-focusable") and a screen reader
 * says what it holds.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
