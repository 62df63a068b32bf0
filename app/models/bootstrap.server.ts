// First start on an empty database: the seed's units, one demo account per role and one
// secretary per unit, last year's plan from the seed lived through and this year's plan started
// from its summary (demo-story.server.ts) — or, in production, a lone admin who must choose a
// password at first login.
import type { AppDatabase } from "../../db/index";
import type { Role, UnitKind } from "../../db/schema";
import { recordAudit } from "~/models/audit.server";
import { hashPassword } from "~/utils/password.server";
import { toDateKey } from "~/lib/weeks";
import { importSeedPlan } from "~/models/demo-plan.server";
import { writeDemoStory } from "~/models/demo-story.server";
import { postDemoUpdates } from "~/models/demo-updates.server";

/** The seed plan's year when it is imported alone (BootstrapOptions.seedOnly). */
export const SEED_ONLY_PLAN_YEAR = 2025;

/** The demo's years: the seed plan is last year's (lived through), this year's is started from its summary. */
export function demoYears(today: string): { last: number; current: number } {
  const current = Number(today.slice(0, 4));
  return { last: current - 1, current };
}
export const DEMO_ORGANIZATION = "平东街道";

/** Units named in the seed summary (平东街道 2024年工作总结): its communities and offices. */
export const SEED_UNITS: ReadonlyArray<{ name: string; kind: UnitKind }> = [
  ...["东晟社区", "龙腾社区", "丰翼社区", "城东社区", "辉煌社区"].map((name) => ({ name, kind: "community" as const })),
  ...["党建工作办公室", "经济发展办公室", "政务服务中心", "城市管理办公室", "安全生产办公室", "社会事务服务中心", "党政综合办公室"].map(
    (name) => ({ name, kind: "office" as const }),
  ),
];

/** Each unit's own demo account (社区书记 / 科室负责人) besides `secretary` (东晟社区); they share its password. */
export const UNIT_SECRETARIES: ReadonlyArray<{ username: string; displayName: string; unit: string }> = [
  { username: "longteng", displayName: "王书记", unit: "龙腾社区" },
  { username: "fengyi", displayName: "李书记", unit: "丰翼社区" },
  { username: "chengdong", displayName: "张书记", unit: "城东社区" },
  { username: "huihuang", displayName: "赵书记", unit: "辉煌社区" },
  { username: "dangjian", displayName: "孙主任", unit: "党建工作办公室" },
  { username: "jingji", displayName: "周主任", unit: "经济发展办公室" },
  { username: "zhengwu", displayName: "吴主任", unit: "政务服务中心" },
  { username: "chengguan", displayName: "郑主任", unit: "城市管理办公室" },
  { username: "anquan", displayName: "冯主任", unit: "安全生产办公室" },
  { username: "shiwu", displayName: "何主任", unit: "社会事务服务中心" },
  { username: "zonghe", displayName: "蒋主任", unit: "党政综合办公室" },
];

const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; displayName: string; role: Role; unit?: string }> = [
  { username: "admin", displayName: "系统管理员", role: "admin" },
  { username: "leader", displayName: "刘主任", role: "leader" },
  { username: "secretary", displayName: "陈书记", role: "secretary", unit: "东晟社区" },
  { username: "viewer", displayName: "述职会议", role: "viewer" },
];

export interface BootstrapAccount {
  username: string;
  role: Role;
  unitName: string | null;
  /** Shown once at first start; null when DEMO_PASSWORD supplied it. */
  password: string;
}

export interface BootstrapResult {
  created: boolean;
  production: boolean;
  accounts: BootstrapAccount[];
  planId: number | null;
}

const PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function randomPassword(length = 14): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]).join("");
}

export interface BootstrapOptions {
  /** A real installation (DEMO=0): only `admin`, with a one-time password; no demo data. */
  production: boolean;
  demoPassword?: string;
  now?: Date;
  /**
   * Test fixtures written against the seed plan alone: the 2025 plan with a few weeks of demo
   * 填报 and no story (no secretaries per unit, no summary, no current-year plan). Never set by the server.
   */
  seedOnly?: boolean;
}

export async function bootstrapIfEmpty(db: AppDatabase, options: BootstrapOptions): Promise<BootstrapResult> {
  const existing = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (existing) return { created: false, production: options.production, accounts: [], planId: null };

  const now = (options.now ?? new Date()).toISOString();
  const wanted = options.production ? DEMO_ACCOUNTS.filter((a) => a.role === "admin") : DEMO_ACCOUNTS;
  const roleAccounts = wanted.map((account) => ({
    ...account,
    password: options.production ? randomPassword() : options.demoPassword || randomPassword(),
  }));
  const secretaryPassword = roleAccounts.find((a) => a.username === "secretary")?.password;
  const accounts = [
    ...roleAccounts,
    ...(options.production || options.seedOnly || !secretaryPassword
      ? []
      : UNIT_SECRETARIES.map((s) => ({ ...s, role: "secretary" as Role, password: secretaryPassword }))),
  ];
  const hashes = await Promise.all(accounts.map((a) => hashPassword(a.password)));
  const today = toDateKey(options.now ?? new Date());
  const years = options.seedOnly ? { last: SEED_ONLY_PLAN_YEAR, current: SEED_ONLY_PLAN_YEAR } : demoYears(today);

  return db.transaction().execute(async (trx) => {
    // Re-check inside the write lock: two processes starting at once must not both seed.
    const raced = await trx.selectFrom("users").select("id").limit(1).executeTakeFirst();
    if (raced) return { created: false, production: options.production, accounts: [], planId: null };

    const unitIds = new Map<string, number>();
    let planId: number | null = null;
    let currentPlanId: number | null = null;
    if (!options.production) {
      for (const [index, unit] of SEED_UNITS.entries()) {
        const row = await trx
          .insertInto("units")
          .values({ name: unit.name, kind: unit.kind, sort_order: (index + 1) * 10, created_at: now, updated_at: now })
          .returning("id")
          .executeTakeFirstOrThrow();
        unitIds.set(unit.name, row.id);
      }
      const plan = await trx
        .insertInto("plans")
        .values({
          year: years.last,
          title: `${DEMO_ORGANIZATION}${years.last}年重点工作`,
          organization: DEMO_ORGANIZATION,
          status: "active",
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      planId = plan.id;
    }

    const userIds = new Map<string, number>();
    for (const [index, account] of accounts.entries()) {
      const user = await trx
        .insertInto("users")
        .values({
          username: account.username,
          display_name: account.displayName,
          password_hash: hashes[index],
          role: account.role,
          unit_id: account.unit ? (unitIds.get(account.unit) ?? null) : null,
          must_change_password: options.production ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      userIds.set(account.username, user.id);
      await recordAudit(trx, {
        actorId: null,
        action: "user.create",
        entity: "user",
        entityId: user.id,
        after: { username: account.username, role: account.role, bootstrap: true },
      });
    }

    if (planId != null && options.seedOnly) {
      await importSeedPlan(trx, {
        planId,
        year: years.last,
        leaderUserId: userIds.get("leader") ?? null,
        units: [...unitIds].map(([name, id]) => ({ id, name, kind: SEED_UNITS.find((u) => u.name === name)!.kind })),
        today,
      });
      await postDemoUpdates(trx, { planId, now: options.now ?? new Date() });
    } else if (planId != null) {
      await importSeedPlan(trx, {
        planId,
        year: years.last,
        leaderUserId: userIds.get("leader") ?? null,
        units: [...unitIds].map(([name, id]) => ({ id, name, kind: SEED_UNITS.find((u) => u.name === name)!.kind })),
        // Imported at the start of its year: the story lives it through from there.
        today: `${years.last}-01-01`,
      });
      const secretaryOf = new Map<number, number>();
      for (const account of accounts) {
        if (account.role === "secretary" && account.unit) secretaryOf.set(unitIds.get(account.unit)!, userIds.get(account.username)!);
      }
      const story = await writeDemoStory(trx, {
        lastPlanId: planId,
        today,
        now: options.now ?? new Date(),
        leaderId: userIds.get("leader")!,
        adminId: userIds.get("admin")!,
        secretaryOf,
      });
      currentPlanId = story.currentPlanId;
    }

    return {
      created: true,
      production: options.production,
      planId: currentPlanId ?? planId,
      accounts: accounts.map((a) => ({
        username: a.username,
        role: a.role,
        unitName: a.unit ?? null,
        password: a.password,
      })),
    };
  });
}
