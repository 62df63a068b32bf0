// Values written into SQLite's SQL text instead of bound to `?`, for a script of several
// statements sent to SQLite in one call (sqlite3's exec binds nothing). Only values with an
// exact, injection-safe literal are written; for anything else the caller binds as usual.

/**
 * The SQLite literal that stores exactly what binding `value` would, or null when there is none
 * this module trusts (a bigint, which node-sqlite3 binds as NULL, is one of them).
 */
export function sqliteLiteral(value: unknown): string | null {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    // Only what node-sqlite3 binds as an INTEGER: it binds other numbers as REAL, and SQLite's
    // reading of decimal text does not always give back the same double (3.110263 came back
    // as 3.1102629999999998). A negative one in parentheses: after a minus, -1 would start a
    // comment (--1).
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) return null;
    return value < 0 ? `(${value})` : String(value); // String(-0) is "0"
  }
  if (typeof value === "string") {
    // exec() takes a C string: a NUL would cut the script short.
    if (value.includes("\0")) return null;
    // In SQLite's string literals only the quote is special (no backslash escapes).
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (value instanceof Uint8Array) return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}'`;
  return null;
}

/**
 * `sql` with each `?` placeholder replaced by its parameter's literal, or null when a parameter
 * has no safe literal or the placeholders do not match the parameters one for one. A `?`
 * inside a string, a quoted name or a comment is not a placeholder; numbered ones (?1, :name,
 * @name, $name) are not supported and also give null.
 */
export function inlineSqliteParameters(sql: string, parameters: readonly unknown[]): string | null {
  let out = "";
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const closing = ch === "'" ? "'" : ch === '"' ? '"' : ch === "`" ? "`" : ch === "[" ? "]" : null;
    if (closing) {
      // A doubled closing quote inside stays inside (SQLite's escape); brackets have none.
      let end = i + 1;
      for (;;) {
        end = sql.indexOf(closing, end);
        if (end < 0) return null;
        if (closing !== "]" && sql[end + 1] === closing) end += 2;
        else break;
      }
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      out += end < 0 ? sql.slice(i) : sql.slice(i, end + 1);
      i = end < 0 ? sql.length : end + 1;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) return null;
      out += sql.slice(i, end + 2);
      i = end + 2;
    } else if (ch === "?") {
      if (/[0-9]/.test(sql[i + 1] ?? "")) return null;
      if (next >= parameters.length) return null;
      const literal = sqliteLiteral(parameters[next++]);
      if (literal === null) return null;
      out += literal;
      i++;
    } else if ((ch === ":" || ch === "@" || ch === "$") && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      return null;
    } else {
      out += ch;
      i++;
    }
  }
  return next === parameters.length ? out : null;
}
