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
  const body: unknown = await response.json();
  if (!isKeySet(body)) throw new Error("The JWKS response is not a JSON Web Key Set");
  // Only the keys are kept (and cached): any other member of the set is the issuer's business.
  return { keys: body.keys };
}

/** Where the key set of `jwksUri` is kept in the Cache API: it only takes http(s) requests as keys; this host is never contacted. */
export const keySetCacheKey = (jwksUri: URL) => new Request(`https://jwks-cache.invalid/?uri=${encodeURIComponent(jwksUri.href)}`);
const FETCHED_AT_HEADER = "X-Jwks-Fetched-At";
const URI_HEADER = "X-Jwks-Uri";
const CONTENT_TYPE = "application/json";

/**
 * The key set another isolate of this location stored, with when the issuer served it, if it is
 * exactly what writeCachedKeySet writes: a JSON Web Key Set for `jwksUri`, stamped with a time
 * no later than now and less than `maxAgeMs` ago. Anything else (a stamp in the future would
 * keep a copy "fresh" forever) reads as a miss, as does a broken or absent Cache API (a no-op on
 * workers.dev): never as an error.
 */
export async function readCachedKeySet(jwksUri: URL, maxAgeMs: number): Promise<{ jwks: JSONWebKeySet; fetchedAt: number } | undefined> {
  try {
    const response = await caches.default.match(keySetCacheKey(jwksUri));
    if (!response) return undefined;
    const stamp = response.headers.get(FETCHED_AT_HEADER) ?? "";
    const fetchedAt = Number(stamp);
    const age = Date.now() - fetchedAt;
    const ours =
      /^\d{1,15}$/.test(stamp) &&
      age >= 0 &&
      age < maxAgeMs &&
      response.headers.get(URI_HEADER) === jwksUri.href &&
      response.headers.get("Content-Type") === CONTENT_TYPE;
    if (!ours) {
      await response.body?.cancel();
      return undefined;
    }
    const jwks: unknown = await response.json();
    return isKeySet(jwks) && Object.keys(jwks).length === 1 ? { jwks, fetchedAt } : undefined;
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
      keySetCacheKey(jwksUri),
      new Response(JSON.stringify(jwks), {
        headers: {
          "Content-Type": CONTENT_TYPE,
          "Cache-Control": `max-age=${seconds}`,
          [FETCHED_AT_HEADER]: String(fetchedAt),
          [URI_HEADER]: jwksUri.href,
        },
      }),
    );
  } catch {
    // A copy in memory still serves this isolate.
  }
}

/** A JSON object with a `keys` array of JWK objects (each with a string `kty`). */
function isKeySet(value: unknown): value is JSONWebKeySet {
  if (!isObject(value)) return false;
  const { keys } = value as { keys?: unknown };
  return Array.isArray(keys) && keys.every((key) => isObject(key) && typeof (key as { kty?: unknown }).kty === "string");
}

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null && !Array.isArray(value);
