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
