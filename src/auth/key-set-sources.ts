import type { JSONWebKeySet } from "jose";

/** The issuer's JWKS, fetched once: 200 and a JSON object with a `keys` array, within `timeoutMs`. */
export async function fetchKeySet(jwksUri: URL, timeoutMs: number): Promise<JSONWebKeySet> {
  const response = await fetch(jwksUri, {
    // A JWKS that redirects elsewhere is not followed: keys come from the configured URL only.
    redirect: "manual",
    headers: { Accept: "application/json, application/jwk-set+json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`Expected 200 OK from the JWKS, got ${response.status}`);
  }
  const jwks: unknown = await response.json();
  if (!isKeySet(jwks)) throw new Error("The JWKS response is not a JSON Web Key Set");
  return jwks;
}

// The Cache API only takes http(s) requests as keys; this host is never contacted.
const cacheKey = (jwksUri: URL) => new Request(`https://jwks-cache.invalid/?uri=${encodeURIComponent(jwksUri.href)}`);
const FETCHED_AT_HEADER = "X-Jwks-Fetched-At";

/**
 * The key set another isolate of this location stored, with when the issuer served it. A
 * broken or absent Cache API (it is a no-op on workers.dev) reads as a miss, never as an error.
 */
export async function readCachedKeySet(jwksUri: URL): Promise<{ jwks: JSONWebKeySet; fetchedAt: number } | undefined> {
  try {
    const response = await caches.default.match(cacheKey(jwksUri));
    if (!response) return undefined;
    const fetchedAt = Number(response.headers.get(FETCHED_AT_HEADER));
    const jwks: unknown = await response.json();
    return Number.isFinite(fetchedAt) && isKeySet(jwks) ? { jwks, fetchedAt } : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the key set for the other isolates of this location, for what is left of its max age. */
export async function writeCachedKeySet(jwksUri: URL, jwks: JSONWebKeySet, fetchedAt: number, maxAgeMs: number): Promise<void> {
  const seconds = Math.floor((fetchedAt + maxAgeMs - Date.now()) / 1000);
  if (seconds <= 0) return;
  try {
    await caches.default.put(
      cacheKey(jwksUri),
      new Response(JSON.stringify(jwks), {
        headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${seconds}`, [FETCHED_AT_HEADER]: String(fetchedAt) },
      }),
    );
  } catch {
    // A copy in memory still serves this isolate.
  }
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return typeof value === "object" && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}
