import { describe, expect, it } from "vitest";
import { comparePositions, initialPositions, positionAtBottom, positionAtTop, positionBetween } from "~/lib/positions";
import { seededRandom } from "../../seeded-random";

function isStrictlyOrdered(keys: string[]): boolean {
  return keys.every((key, index) => index === 0 || keys[index - 1] < key);
}

describe("positionBetween", () => {
  it("gives the first key of an empty column", () => {
    expect(positionBetween(null, null)).toBe("a0");
  });

  it("gives a key strictly between its neighbours", () => {
    const key = positionBetween("a0", "a1");
    expect("a0" < key && key < "a1").toBe(true);
  });

  it("refuses inverted or equal neighbours with a clear error", () => {
    expect(() => positionBetween("a1", "a0")).toThrow(/must sort strictly before/);
    expect(() => positionBetween("a0", "a0")).toThrow(RangeError);
  });

  it("refuses keys that are not position keys", () => {
    expect(() => positionBetween("a0", "zzz")).toThrow();
  });

  it("keeps 1,000 inserts at random places strictly ordered", () => {
    const random = seededRandom(2025);
    const keys: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const index = Math.floor(random() * (keys.length + 1));
      const key = positionBetween(keys[index - 1] ?? null, keys[index] ?? null);
      keys.splice(index, 0, key);
    }
    expect(isStrictlyOrdered(keys)).toBe(true);
    expect(new Set(keys).size).toBe(1000);
    expect([...keys].sort(comparePositions)).toEqual(keys);
  });

  it("keeps repeated inserts at the same spot ordered", () => {
    let lower = "a0";
    const upper = "a1";
    for (let i = 0; i < 200; i++) {
      const key = positionBetween(lower, upper);
      expect(lower < key && key < upper).toBe(true);
      lower = key;
    }
  });
});

describe("positionAtTop / positionAtBottom", () => {
  it("start an empty column", () => {
    expect(positionAtTop(null)).toBe("a0");
    expect(positionAtBottom(null)).toBe("a0");
  });

  it("keep keys short when cards are only appended", () => {
    const keys = ["a0"];
    for (let i = 0; i < 1000; i++) keys.push(positionAtBottom(keys[keys.length - 1]));
    expect(isStrictlyOrdered(keys)).toBe(true);
    expect(Math.max(...keys.map((key) => key.length))).toBeLessThanOrEqual(4);
  });

  it("keep keys short when cards are only put on top", () => {
    const keys = ["a0"];
    for (let i = 0; i < 1000; i++) keys.unshift(positionAtTop(keys[0]));
    expect(isStrictlyOrdered(keys)).toBe(true);
    expect(Math.max(...keys.map((key) => key.length))).toBeLessThanOrEqual(4);
  });
});

describe("initialPositions", () => {
  it("gives ordered, distinct keys for an imported list", () => {
    const keys = initialPositions(30);
    expect(keys).toHaveLength(30);
    expect(isStrictlyOrdered(keys)).toBe(true);
  });

  it("continues after an existing last card", () => {
    const keys = initialPositions(3, "a5");
    expect(keys[0] > "a5").toBe(true);
    expect(isStrictlyOrdered(keys)).toBe(true);
  });
});
