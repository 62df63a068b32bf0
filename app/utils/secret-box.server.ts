// Secrets at rest (robot webhook keys, 钉钉 signing secrets, the SMTP password): AES-256-GCM
// with a key derived (HKDF-SHA256) from SECRET_KEY. Without SECRET_KEY nothing secret is
// saved: there is no built-in fallback key that would only look like encryption.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { badRequest } from "~/lib/refusal";

type Env = Record<string, string | undefined>;

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A passphrase shorter than this is refused (e.g. `openssl rand -base64 32` gives 44). */
export const SECRET_KEY_MIN_LENGTH = 32;

export const MISSING_SECRET_KEY_MESSAGE =
  "服务器未设置 SECRET_KEY 环境变量（至少32个字符，例如 openssl rand -base64 32 的结果），无法加密保存密钥。请系统管理员设置后重启服务再保存。";

function keyFrom(env: Env): Buffer | null {
  const passphrase = env.SECRET_KEY?.trim();
  if (!passphrase || passphrase.length < SECRET_KEY_MIN_LENGTH) return null;
  return Buffer.from(hkdfSync("sha256", passphrase, "niandu-kanban", "secret-box v1", 32));
}

export function secretKeyConfigured(env: Env = process.env): boolean {
  return keyFrom(env) != null;
}

/** Encrypts a secret; refuses (400, in Chinese) when SECRET_KEY is missing or too short. */
export function sealSecret(plain: string, env: Env = process.env): string {
  const key = keyFrom(env);
  if (!key) badRequest(MISSING_SECRET_KEY_MESSAGE);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

/** Decrypts a sealed secret; throws (a plain Error: a sending failure, not a user's mistake) when it cannot. */
export function openSecret(sealed: string, env: Env = process.env): string {
  const key = keyFrom(env);
  if (!key) throw new Error("服务器未设置 SECRET_KEY，无法解密已保存的密钥");
  const [version, payload] = sealed.split(":", 2);
  if (version !== VERSION || !payload) throw new Error("已保存的密钥格式无法识别");
  const raw = Buffer.from(payload, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("已保存的密钥无法解密（SECRET_KEY 是否已更换？请重新填写该密钥）");
  }
}
