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

// Module scope on purpose: a warm isolate keeps the key set between requests, so it
// verifies tokens with zero JWKS fetches. One entry per JWKS URL, because the URL comes
// from the Worker's vars, which are only known once a request arrives.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** A refetch for an unknown `kid` (key rotation) happens at most once per this window. */
export const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;

/**
 * Resolves a token's verification key from the issuer's JWKS. When a refresh fails but an
 * earlier copy of the set exists, the earlier copy is used (stale-if-error), so an issuer
 * hiccup does not lock every caller out.
 */
export function signingKeysFor(jwksUri: URL): JWTVerifyGetKey {
  let remote = keySets.get(jwksUri.href);
  if (!remote) {
    remote = createRemoteJWKSet(jwksUri, {
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    keySets.set(jwksUri.href, remote);
  }
  const keySet = remote;
  return async function resolveSigningKey(header, token) {
    try {
      return await keySet(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      const lastKnown = keySet.jwks();
      if (!lastKnown) throw new SigningKeysUnavailable("JWKS could not be fetched", { cause: err });
      return createLocalJWKSet(lastKnown)(header, token);
    }
  };
}
