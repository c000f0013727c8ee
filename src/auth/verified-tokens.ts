import type { AuthConfig } from "../config";
import type { Caller } from "./caller";
import { LeastRecentlyUsedMap } from "../least-recently-used-map";
import { currentKeySet, JWKS_MAX_AGE_MS, type KeySetCopy } from "./signing-keys";

/** Verified tokens an isolate remembers at most; a client reuses one token for many requests. */
export const MAX_VERIFIED_TOKENS = 1_000;

interface VerifiedToken {
  caller: Caller;
  /** What else its verification depended on: with other settings, the token is verified again. */
  settings: string;
  /** The key set copy that verified it: once that copy is replaced, the token is verified again. */
  keySet: KeySetCopy["jwks"];
  /** Its `exp`, or the end of that copy's life if sooner (ms). */
  validUntil: number;
}

// Module scope: one per isolate, like the key sets. Keyed by the exact token text, so a token
// changed by one character is never found here.
const verifiedTokens = new LeastRecentlyUsedMap<string, VerifiedToken>(MAX_VERIFIED_TOKENS);

// Compared, not part of the key: building a key from the token text on every request cost more
// than the comparison (npm run profile).
const settingsOf = (config: AuthConfig) => `${config.jwksUri.href} ${config.issuer} ${config.audience} ${config.organizationsClaim} ${config.permissionsFromScope}`;
const settingsByConfig = new WeakMap<AuthConfig, string>();
function settings(config: AuthConfig): string {
  let text = settingsByConfig.get(config);
  if (text === undefined) settingsByConfig.set(config, (text = settingsOf(config)));
  return text;
}

/**
 * The caller of a token this isolate verified before, while that verification still holds:
 * before its `exp`, and while the key set copy that verified it is still the one in use and fresh.
 */
export function rememberedCaller(token: string, config: AuthConfig): Caller | undefined {
  const verified = verifiedTokens.get(token);
  if (!verified) return undefined;
  const holds = verified.settings === settings(config) && Date.now() < verified.validUntil && currentKeySet(config.jwksUri)?.jwks === verified.keySet;
  if (holds) return verified.caller;
  verifiedTokens.delete(token);
  return undefined;
}

/** Remembers a token `jwtVerify` just accepted, with its `exp` (seconds) and the key set copy used. */
export function rememberVerified(token: string, config: AuthConfig, caller: Caller, exp: number, keySet: KeySetCopy): void {
  // `exp` itself, not exp + clock tolerance: near its end a token goes back to jose, which decides.
  const validUntil = Math.min(exp * 1000, keySet.fetchedAt + JWKS_MAX_AGE_MS);
  if (Date.now() >= validUntil) return;
  verifiedTokens.set(token, { caller, settings: settings(config), keySet: keySet.jwks, validUntil });
}
