import type { AuthConfig } from "../config";
import type { Caller } from "./caller";
import { LeastRecentlyUsedMap } from "../least-recently-used-map";
import { currentKeySet, JWKS_MAX_AGE_MS, type KeySetCopy } from "./signing-keys";

/** Verified tokens an isolate remembers at most; a client reuses one token for many requests. */
export const MAX_VERIFIED_TOKENS = 1_000;

interface VerifiedToken {
  caller: Caller;
  /** The key set copy that verified it: once that copy is replaced, the token is verified again. */
  keySet: KeySetCopy["jwks"];
  /** Its `exp`, or the end of that copy's life if sooner (ms). */
  validUntil: number;
}

// Module scope: one per isolate, like the key sets. Keyed by the exact token text and every
// setting verification depended on, so a token changed by one character is never found here.
const verifiedTokens = new LeastRecentlyUsedMap<string, VerifiedToken>(MAX_VERIFIED_TOKENS);

const keyOf = (token: string, config: AuthConfig) =>
  `${config.jwksUri.href} ${config.issuer} ${config.audience} ${config.organizationsClaim} ${token}`;

/**
 * The caller of a token this isolate verified before, while that verification still holds:
 * before its `exp`, and while the key set copy that verified it is still the one in use and fresh.
 */
export function rememberedCaller(token: string, config: AuthConfig): Caller | undefined {
  const key = keyOf(token, config);
  const verified = verifiedTokens.get(key);
  if (!verified) return undefined;
  if (Date.now() < verified.validUntil && currentKeySet(config.jwksUri)?.jwks === verified.keySet) return verified.caller;
  verifiedTokens.delete(key);
  return undefined;
}

/** Remembers a token `jwtVerify` just accepted, with its `exp` (seconds) and the key set copy used. */
export function rememberVerified(token: string, config: AuthConfig, caller: Caller, exp: number, keySet: KeySetCopy): void {
  // `exp` itself, not exp + clock tolerance: near its end a token goes back to jose, which decides.
  const validUntil = Math.min(exp * 1000, keySet.fetchedAt + JWKS_MAX_AGE_MS);
  if (Date.now() >= validUntil) return;
  verifiedTokens.set(keyOf(token, config), { caller, keySet: keySet.jwks, validUntil });
}

/** Forgets every remembered token, as a new isolate starts. For tests. */
export function forgetVerifiedTokens(): void {
  verifiedTokens.clear();
}
