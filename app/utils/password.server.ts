import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const ARGON2ID_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// argon2 takes ~20 MB and a core for tens of milliseconds: a few checks at a time, a short
// queue behind them, and a refusal beyond that, so a flood of logins cannot starve the machine.
export const MAX_CONCURRENT_PASSWORD_CHECKS = 2;
export const MAX_QUEUED_PASSWORD_CHECKS = 16;

export class PasswordChecksBusy extends Error {
  constructor() {
    super("too many password checks waiting");
  }
}

let running = 0;
let checksRun = 0;
const queue: (() => void)[] = [];

/** How many argon2 verifications this process has run (for tests and the stress run). */
export function passwordChecksRun(): number {
  return checksRun;
}

/** verifyPassword through the global bound; throws PasswordChecksBusy when the queue is full. */
export async function verifyPasswordQueued(passwordHash: string, password: string): Promise<boolean> {
  if (running >= MAX_CONCURRENT_PASSWORD_CHECKS) {
    if (queue.length >= MAX_QUEUED_PASSWORD_CHECKS) throw new PasswordChecksBusy();
    await new Promise<void>((resolve) => queue.push(resolve));
  } else {
    running++;
  }
  try {
    checksRun++;
    return await verifyPassword(passwordHash, password);
  } finally {
    // Hand the slot straight to the next in line, or free it.
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

// A real hash of a random secret: verifying against it when the account does not exist
// costs the same time as a real check, so timing does not reveal which accounts exist.
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(crypto.randomUUID());
  return decoyHash;
}

export const MIN_PASSWORD_LENGTH = 8;

const COMMON_PASSWORDS = new Set([
  "12345678",
  "123456789",
  "1234567890",
  "password",
  "password1",
  "11111111",
  "00000000",
  "88888888",
  "66666666",
  "12341234",
  "abcd1234",
  "qwerty123",
  "qwertyui",
  "iloveyou",
  "a1234567",
  "1qaz2wsx",
  "aa123456",
  "abc12345",
  "admin123",
  "admin888",
  "woaini1314",
  "87654321",
  "11223344",
  "147258369",
  "123123123",
  "asdfghjk",
  "zxcvbnm1",
  "passw0rd",
]);

/** Returns a Chinese message when the password is not acceptable, otherwise null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少需要${MIN_PASSWORD_LENGTH}个字符。`;
  if (password.length > 128) return "密码不能超过128个字符。";
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return "这个密码太常见，容易被猜中，请换一个。";
  if (/^(.)\1+$/.test(password)) return "密码不能由同一个字符重复组成。";
  return null;
}
