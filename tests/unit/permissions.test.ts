import { describe, expect, it } from "vitest";
import { can, type Actor, type Permission } from "../../app/utils/permissions";

const admin: Actor = { id: 1, role: "admin", unitId: null };
const leader: Actor = { id: 2, role: "leader", unitId: null };
const secretary: Actor = { id: 3, role: "secretary", unitId: 7 };
const viewer: Actor = { id: 4, role: "viewer", unitId: null };

// DESIGN.md's roles table, row by row.
const TABLE: Array<[Permission, boolean, boolean, boolean | "own", boolean]> = [
  ["read", true, true, true, true],
  ["tasks.manage", true, true, false, false],
  ["tasks.move", true, true, "own", false],
  ["tasks.verify", true, true, false, false],
  ["updates.post", true, true, "own", false],
  ["comments.post", true, true, true, false],
  ["urge", true, true, false, false],
  ["summary.manage", true, true, false, false],
  ["admin", true, false, false, false],
];

describe("permissions follow DESIGN.md's roles table", () => {
  it.each(TABLE)("%s", (permission, forAdmin, forLeader, forSecretary, forViewer) => {
    expect(can(admin, permission, [99])).toBe(forAdmin);
    expect(can(leader, permission, [99])).toBe(forLeader);
    expect(can(viewer, permission, [7])).toBe(forViewer);
    if (forSecretary === "own") {
      expect(can(secretary, permission, [7, 8])).toBe(true);
      expect(can(secretary, permission, [8])).toBe(false);
      expect(can(secretary, permission)).toBe(false);
    } else {
      expect(can(secretary, permission, [7])).toBe(forSecretary);
    }
  });

  it("a secretary without a unit holds no unit-scoped right", () => {
    expect(can({ id: 5, role: "secretary", unitId: null }, "updates.post", [7])).toBe(false);
  });
});
