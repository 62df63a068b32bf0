// Values written into SQL text must mean exactly what the bound value means, or not be written.
import { describe, expect, it } from "vitest";
import { inlineSqliteParameters, sqliteLiteral } from "../../db/sql-literals";

describe("sqliteLiteral", () => {
  it("writes plain values", () => {
    expect(sqliteLiteral(null)).toBe("NULL");
    expect(sqliteLiteral(undefined)).toBe("NULL");
    expect(sqliteLiteral(true)).toBe("1");
    expect(sqliteLiteral(false)).toBe("0");
    expect(sqliteLiteral(42)).toBe("42");
    expect(sqliteLiteral(-0)).toBe("0");
    expect(sqliteLiteral(2 ** 31 - 1)).toBe("2147483647");
    expect(sqliteLiteral(Buffer.from([0, 255, 16]))).toBe("X'00ff10'");
  });

  it("doubles quotes and nothing else", () => {
    expect(sqliteLiteral("平东街道")).toBe("'平东街道'");
    expect(sqliteLiteral("it's")).toBe("'it''s'");
    expect(sqliteLiteral("'); drop table tasks; --")).toBe("'''); drop table tasks; --'");
    expect(sqliteLiteral("a\\'b")).toBe("'a\\''b'");
  });

  it("puts a negative number in parentheses, so that a minus before it cannot make a comment", () => {
    expect(sqliteLiteral(-1)).toBe("(-1)");
    expect(inlineSqliteParameters("update t set r = 100 -? where id = ?", [-1, 1])).toBe("update t set r = 100 -(-1) where id = 1");
  });

  it("refuses what has no exact literal", () => {
    // SQLite's reading of decimal text does not always give back the same double.
    expect(sqliteLiteral(3.110263)).toBeNull();
    expect(sqliteLiteral(0.1)).toBeNull();
    // node-sqlite3 binds these as REAL and a bigint as NULL: a literal would store something else.
    expect(sqliteLiteral(2 ** 31)).toBeNull();
    expect(sqliteLiteral(-(2 ** 31) - 1)).toBeNull();
    expect(sqliteLiteral(12345678901234567890n)).toBeNull();
    expect(sqliteLiteral("a\0b")).toBeNull();
    expect(sqliteLiteral(Number.NaN)).toBeNull();
    expect(sqliteLiteral(Number.POSITIVE_INFINITY)).toBeNull();
    expect(sqliteLiteral(new Date(0))).toBeNull();
    expect(sqliteLiteral({})).toBeNull();
    expect(sqliteLiteral([1])).toBeNull();
  });
});

describe("inlineSqliteParameters", () => {
  it("replaces placeholders in order", () => {
    expect(inlineSqliteParameters('update "tasks" set "status" = ?, "version" = ? where "id" = ?', ["done", 3, 7])).toBe(
      `update "tasks" set "status" = 'done', "version" = 3 where "id" = 7`,
    );
  });

  it("leaves a ? inside strings, quoted names and comments alone", () => {
    expect(inlineSqliteParameters(`select '?', "a?b", [c?], \`d?\` -- e?\n, ? /* f? */`, [1])).toBe(
      `select '?', "a?b", [c?], \`d?\` -- e?\n, 1 /* f? */`,
    );
    expect(inlineSqliteParameters(`select 'it''s ?', ?`, ["x"])).toBe(`select 'it''s ?', 'x'`);
  });

  it("gives null when it cannot be sure", () => {
    expect(inlineSqliteParameters("select ?", [])).toBeNull();
    expect(inlineSqliteParameters("select 1", [1])).toBeNull();
    expect(inlineSqliteParameters("select ?1", [1])).toBeNull();
    expect(inlineSqliteParameters("select :name", [])).toBeNull();
    expect(inlineSqliteParameters("select 'open", [])).toBeNull();
    expect(inlineSqliteParameters("select ? /* open", [1])).toBeNull();
    expect(inlineSqliteParameters("select ?", ["a\0b"])).toBeNull();
  });
});
