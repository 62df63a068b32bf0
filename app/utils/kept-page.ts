// Which pages may be kept and sent again while nothing was written (app/server/kept-pages.ts).
// A route opts in with `export const handle: PageHandle = { keptWhileUnchanged: true }` when what
// it shows depends on nothing but the database, the signed-in user, the page's address and the
// date: no files on disk, no other cookie or header, and nothing that follows the clock more
// closely than a minute (a kept page is sent again for at most a minute, so "24 hours after the
// last 催办" may be late by that much, but "failed logins of the last 15 minutes" would be wrong).
// A page is kept only when every route it is made of opted in, the root included.

export interface PageHandle {
  keptWhileUnchanged?: boolean;
}

export function isKeptWhileUnchanged(handle: unknown): boolean {
  return typeof handle === "object" && handle !== null && (handle as PageHandle).keptWhileUnchanged === true;
}
