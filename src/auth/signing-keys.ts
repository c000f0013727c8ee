import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JWTVerifyGetKey,
} from "jose";

/** The issuer's key set could not be fetched and no copy of it is cached. */
export class SigningKeysUnavailable extends Error {
  override name = "SigningKeysUnavailable";
}

/** A refetch for an unknown `kid` (key rotation) happens at most once per this window. */
export const JWKS_COOLDOWN_MS = 30_000;
/** With no keys at all, how long a failed fetch is trusted before the next attempt. */
export const JWKS_RETRY_WITHOUT_KEYS_MS = 5_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;

interface KeySetEntry {
  remote: ReturnType<typeof createRemoteJWKSet>;
  lastFailureAt: number;
}

// Module scope on purpose: a warm isolate keeps the key set between requests, so it
// verifies tokens with zero JWKS fetches. One entry per JWKS URL, because the URL comes
// from the Worker's vars, which are only known once a request arrives.
const keySets = new Map<string, KeySetEntry>();

/**
 * Resolves a token's verification key from the issuer's JWKS (jose's remote set: cached,
 * refetched for an unknown `kid` at most once per cooldown). Two additions for outages:
 * - when a fetch fails but an earlier copy of the set exists, that copy is used
 *   (stale-if-error), so an issuer hiccup does not lock every caller out;
 * - a failed fetch is not retried within the cooldown (or, with no keys at all, within a
 *   few seconds), so a flood of tokens cannot turn into a flood of JWKS requests.
 */
export function signingKeysFor(jwksUri: URL): JWTVerifyGetKey {
  const entry = keySetEntry(jwksUri);
  const { remote } = entry;

  function fromLastKnown(header: Parameters<JWTVerifyGetKey>[0], token: Parameters<JWTVerifyGetKey>[1], cause?: unknown) {
    const lastKnown = remote.jwks();
    if (!lastKnown) throw new SigningKeysUnavailable("JWKS could not be fetched", { cause });
    return createLocalJWKSet(lastKnown)(header, token);
  }

  return async function resolveSigningKey(header, token) {
    const backoff = remote.jwks() ? JWKS_COOLDOWN_MS : JWKS_RETRY_WITHOUT_KEYS_MS;
    if (Date.now() < entry.lastFailureAt + backoff) return fromLastKnown(header, token, "recent JWKS fetch failure");
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      entry.lastFailureAt = Date.now();
      return fromLastKnown(header, token, err);
    }
  };
}

function keySetEntry(jwksUri: URL): KeySetEntry {
  let entry = keySets.get(jwksUri.href);
  if (!entry) {
    const remote = createRemoteJWKSet(jwksUri, {
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    entry = { remote, lastFailureAt: Number.NEGATIVE_INFINITY };
    keySets.set(jwksUri.href, entry);
  }
  return entry;
}
