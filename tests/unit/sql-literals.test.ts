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
    expect(sqliteLiteral(0.1)).toBe("0.1");
    expect(sqliteLiteral(1e-7)).toBe("1e-7");
    expect(sqliteLiteral(12345678901234567890n)).toBe("12345678901234567890");
    expect(sqliteLiteral(Buffer.from([0, 255, 16]))).toBe("X'00ff10'");
  });

  it("doubles quotes and nothing else", () => {
    expect(sqliteLiteral("平东街道")).toBe("'平东街道'");
    expect(sqliteLiteral("it's")).toBe("'it''s'");
    expect(sqliteLiteral("'); drop table tasks; --")).toBe("'''); drop table tasks; --'");
    expect(sqliteLiteral("a\\'b")).toBe("'a\\''b'");
  });

  it("refuses what has no exact literal", () => {
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
