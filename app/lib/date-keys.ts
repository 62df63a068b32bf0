/**
 * Date keys ("2025-03-05", a Shanghai calendar day) in words, for pages whose bundle should
 * not carry the whole week arithmetic of weeks.ts (the board). Same output as weeks.ts's
 * formatDate for a date key.
 */
const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2025-03-05" → "2025年3月5日"; anything else is returned as it is. */
export function formatDateKey(key: string): string {
  const match = DATE_KEY.exec(key);
  return match ? `${match[1]}年${Number(match[2])}月${Number(match[3])}日` : key;
}

/**
 * A card's note after an approved 延期申请: "已延期（原定6月30日）", with the year when the new
 * 完成时限 is in another one. Lives here, not in extensions.ts, so the board's cards carry
 * only this wording and none of the request rules.
 */
export function extendedNote(originalDueDate: string, dueDate?: string | null): string {
  const [year, month, day] = originalDueDate.split("-").map(Number);
  const sameYear = !dueDate || Number(dueDate.slice(0, 4)) === year;
  return `已延期（原定${sameYear ? "" : `${year}年`}${month}月${day}日）`;
}
