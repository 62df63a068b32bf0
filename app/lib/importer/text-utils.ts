/** Small text helpers shared by the parser modules. */

/**
 * A short title for an item that has no heading of its own: its first sentence, cut at a
 * comma when longer than `max` characters (a hard cut only when there is no comma to cut at).
 */
export function shortTitle(text: string, max = 40): string {
  let t = text.replace(/\s+/g, " ").trim();
  const end = t.search(/[。！？；;.!?]/);
  if (end > 0) t = t.slice(0, end);
  t = t.replace(/[，,：:、\s]+$/, "");
  if (t.length <= max) return t;
  const window = t.slice(0, max + 1);
  const cut = Math.max(window.lastIndexOf("，"), window.lastIndexOf(","), window.lastIndexOf("、"));
  if (cut >= 8) return t.slice(0, cut);
  return t.slice(0, max);
}
