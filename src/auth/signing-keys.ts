import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { fetchKeySet, readCachedKeySet, writeCachedKeySet } from "./key-set-sources";

/** The issuer's key set could not be fetched and no copy of it is cached. */
export class SigningKeysUnavailable extends Error {
  override name = "SigningKeysUnavailable";
}

/** A refetch for an unknown `kid` (key rotation) happens at most once per this window... */
export const JWKS_COOLDOWN_MS = 30_000;
/**
 * ...and at most this many times per JWKS_MAX_AGE_MS, per key set and isolate: tokens with
 * made-up kids cannot keep the issuer busy. A real rotation needs one; past the budget, a new
 * key is still picked up by the next regular refresh.
 */
export const JWKS_UNKNOWN_KID_REFETCHES = 3;
/** With no keys at all, how long a failed fetch is trusted before the next attempt. */
export const JWKS_RETRY_WITHOUT_KEYS_MS = 5_000;
/** How long a fetched key set is used, in memory and in the Cache API, before it is fetched again. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;

interface KeySetEntry {
  jwks?: JSONWebKeySet;
  local?: JWTVerifyGetKey;
  /** When the issuer served `jwks` (kept with the Cache API copy, so it does not restart per isolate). */
  fetchedAt: number;
  lastFailureAt: number;
  /** When this isolate last refetched the set for an unknown `kid`, newest last (at most JWKS_UNKNOWN_KID_REFETCHES). */
  unknownKidRefetches: number[];
  /** The one load under way in this isolate; concurrent requests wait for it instead of fetching too. */
  loading?: Promise<void>;
}

// Module scope on purpose: a warm isolate keeps the key set between requests, so it
// verifies tokens with zero JWKS fetches. One entry per JWKS URL, because the URL comes
// from the Worker's vars, which are only known once a request arrives.
const keySets = new Map<string, KeySetEntry>();

/**
 * Resolves a token's verification key from the issuer's JWKS, looked up in memory, then in the
 * Cache API (`caches.default`, shared by the isolates of a Cloudflare location), then at the
 * issuer; a set is used for 10 minutes from when the issuer served it, and refetched for an
 * unknown `kid` (rotation) at most once per cooldown and JWKS_UNKNOWN_KID_REFETCHES times per
 * 10 minutes. Concurrent requests share one load; a fetched set identical to the one in use
 * keeps it (and the verifications remembered with it).
 * Two additions for outages:
 * - when a fetch fails but an earlier copy of the set exists, that copy is used
 *   (stale-if-error), so an issuer hiccup does not lock every caller out;
 * - a failed fetch is not retried within the cooldown (or, with no keys at all, within a
 *   few seconds), so a flood of tokens cannot turn into a flood of JWKS requests.
 * `onKeySet` hears which copy of the set the key came from.
 */
export function signingKeysFor(jwksUri: URL, onKeySet?: (copy: KeySetCopy) => void): JWTVerifyGetKey {
  const entry = keySetEntry(jwksUri);

  function fromLastKnown(header: Parameters<JWTVerifyGetKey>[0], token: Parameters<JWTVerifyGetKey>[1], cause?: unknown) {
    if (!entry.local) throw new SigningKeysUnavailable("JWKS could not be fetched", { cause });
    return keyFrom(entry, header, token, onKeySet);
  }

  return async function resolveSigningKey(header, token) {
    const backoff = entry.local ? JWKS_COOLDOWN_MS : JWKS_RETRY_WITHOUT_KEYS_MS;
    if (Date.now() < entry.lastFailureAt + backoff) return fromLastKnown(header, token, "recent JWKS fetch failure");
    try {
      if (!isFresh(entry, JWKS_MAX_AGE_MS)) await load(entry, jwksUri, { fromCache: true });
      try {
        return await keyFrom(entry, header, token, onKeySet);
      } catch (err) {
        if (!(err instanceof errors.JWKSNoMatchingKey) || isFresh(entry, JWKS_COOLDOWN_MS) || !spendUnknownKidRefetch(entry)) throw err;
        // Possibly a rotation: ask the issuer itself, since the Cache API may hold the old set.
        await load(entry, jwksUri, { fromCache: false });
        return await keyFrom(entry, header, token, onKeySet);
      }
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      entry.lastFailureAt = Date.now();
      return fromLastKnown(header, token, err);
    }
  };
}

/** One copy of an issuer's key set, as fetched: replaced as a whole when a different set is fetched. */
export interface KeySetCopy {
  jwks: JSONWebKeySet;
  /** When the issuer served it; the copy is used until JWKS_MAX_AGE_MS after. */
  fetchedAt: number;
}

/** The copy of the key set this isolate currently verifies with for `jwksUri`, if any. */
export function currentKeySet(jwksUri: URL): KeySetCopy | undefined {
  const entry = keySets.get(jwksUri.href);
  return entry?.jwks ? { jwks: entry.jwks, fetchedAt: entry.fetchedAt } : undefined;
}

// The copy is read before the await: a concurrent load may replace it while the key is imported.
async function keyFrom(entry: KeySetEntry, header: Parameters<JWTVerifyGetKey>[0], token: Parameters<JWTVerifyGetKey>[1], onKeySet?: (copy: KeySetCopy) => void) {
  const { local, jwks, fetchedAt } = entry;
  const key = await local!(header, token);
  onKeySet?.({ jwks: jwks!, fetchedAt });
  return key;
}

/**
 * Forgets every key set held in memory, as a new isolate starts: the next request reads the
 * Cache API (or the issuer). For tests.
 */
export function forgetSigningKeysInMemory(): void {
  keySets.clear();
}

// One load per entry at a time. A waiter gives up after the fetch timeout, in case the request
// that started the load was cancelled before finishing it.
async function load(entry: KeySetEntry, jwksUri: URL, options: { fromCache: boolean }): Promise<void> {
  entry.loading ??= loadOnce(entry, jwksUri, options).finally(() => {
    entry.loading = undefined;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("waited too long for a JWKS load started by another request")), JWKS_TIMEOUT_MS + 1_000);
  });
  try {
    await Promise.race([entry.loading, gaveUp]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function loadOnce(entry: KeySetEntry, jwksUri: URL, { fromCache }: { fromCache: boolean }): Promise<void> {
  const cached = fromCache ? await readCachedKeySet(jwksUri, JWKS_MAX_AGE_MS) : undefined;
  if (cached && cached.fetchedAt > entry.fetchedAt) {
    remember(entry, cached.jwks, cached.fetchedAt);
    return;
  }
  const jwks = await fetchKeySet(jwksUri, JWKS_TIMEOUT_MS);
  const fetchedAt = Date.now();
  remember(entry, jwks, fetchedAt);
  await writeCachedKeySet(jwksUri, jwks, fetchedAt, JWKS_MAX_AGE_MS);
}

// The same keys again keep the copy in use (only its age restarts), so the tokens this isolate
// remembers as verified by it (src/auth/verified-tokens.ts) stay remembered.
function remember(entry: KeySetEntry, jwks: JSONWebKeySet, fetchedAt: number) {
  entry.fetchedAt = fetchedAt;
  if (entry.jwks && JSON.stringify(entry.jwks) === JSON.stringify(jwks)) return;
  entry.local = createLocalJWKSet(jwks);
  entry.jwks = jwks;
}

// True, and counted, while the budget of unknown-kid refetches in the last JWKS_MAX_AGE_MS has room.
function spendUnknownKidRefetch(entry: KeySetEntry): boolean {
  const now = Date.now();
  entry.unknownKidRefetches = entry.unknownKidRefetches.filter((at) => at > now - JWKS_MAX_AGE_MS && at <= now);
  if (entry.unknownKidRefetches.length >= JWKS_UNKNOWN_KID_REFETCHES) return false;
  entry.unknownKidRefetches.push(now);
  return true;
}

function isFresh(entry: KeySetEntry, maxAge: number): boolean {
  return entry.local !== undefined && Date.now() < entry.fetchedAt + maxAge;
}

function keySetEntry(jwksUri: URL): KeySetEntry {
  let entry = keySets.get(jwksUri.href);
  if (!entry) {
    entry = { fetchedAt: Number.NEGATIVE_INFINITY, lastFailureAt: Number.NEGATIVE_INFINITY, unknownKidRefetches: [] };
    keySets.set(jwksUri.href, entry);
  }
  return entry;
}
