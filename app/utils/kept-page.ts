// Which pages may be kept and sent again while nothing was written (app/server/kept-pages.ts).
// A route opts in with `export const handle: PageHandle = { keptWhileUnchanged: true }` when what
// it shows depends on nothing but the database, the signed-in user, the page's address and the
// date: no clock time, no files on disk, no time window ("the last 15 minutes"), no other cookie
// or header. A page is kept only when every route it is made of opted in, the root included.

export interface PageHandle {
  keptWhileUnchanged?: boolean;
}

export function isKeptWhileUnchanged(handle: unknown): boolean {
  return typeof handle === "object" && handle !== null && (handle as PageHandle).keptWhileUnchanged === true;
}
