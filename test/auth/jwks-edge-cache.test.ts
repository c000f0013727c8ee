import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keySetCacheKey } from "../../src/auth/key-set-sources";
import { forgetSigningKeysInMemory, JWKS_MAX_AGE_MS } from "../../src/auth/signing-keys";
import { call, describeResponse } from "../helpers/api";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { createTenant, newSigningKey } from "../helpers/tenants";

// Each test uses a tenant of its own (own JWKS URL, own fetch counter), so both the isolate's
// memory and the Cache API start cold for it.

beforeEach(seedCatalog);
afterEach(() => {
  vi.useRealTimers();
});

const claims = { organization_ids: [ORG] };
const CONCURRENT = 10;

async function tenantWithToken() {
  const key = await newSigningKey();
  const tenant = await createTenant([key]);
  return { tenant, token: await tenant.sign(key, { claims }) };
}

async function listConcurrently(token: string, env: Record<string, string>, count: number) {
  const responses = await Promise.all(Array.from({ length: count }, () => call("GET", "/segment_groups", { token, env })));
  for (const res of responses) expect(res.status, describeResponse(res)).toBe(200);
}

describe("signing keys at the edge", () => {
  it(`shares one fetch among ${CONCURRENT} concurrent requests on a cold isolate`, async () => {
    const { tenant, token } = await tenantWithToken();
    await listConcurrently(token, tenant.env, CONCURRENT);
    expect(await tenant.jwksFetches()).toBe(1);
  });

  it("serves a new isolate from the Cache API with zero fetches, even under concurrency", async () => {
    const { tenant, token } = await tenantWithToken();
    await listConcurrently(token, tenant.env, 1);
    expect(await tenant.jwksFetches()).toBe(1);

    forgetSigningKeysInMemory();
    await listConcurrently(token, tenant.env, CONCURRENT);
    expect(await tenant.jwksFetches()).toBe(1);
  });

  it("does not use a Cache API copy older than 10 minutes", async () => {
    const { tenant, token } = await tenantWithToken();
    await listConcurrently(token, tenant.env, 1);
    forgetSigningKeysInMemory();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 9 * 60_000 });
    await listConcurrently(token, tenant.env, 1);
    expect(await tenant.jwksFetches(), "a 9-minute-old copy is still fresh").toBe(1);

    forgetSigningKeysInMemory();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 60_000 });
    await listConcurrently(token, tenant.env, 1);
    expect(await tenant.jwksFetches(), "an 11-minute-old copy is fetched again").toBe(2);
  });

  it("keeps the fetch time of the Cache API copy: a new isolate does not make old keys young", async () => {
    const oldKey = await newSigningKey();
    const newKey = await newSigningKey();
    const tenant = await createTenant([oldKey, newKey]);
    await listConcurrently(await tenant.sign(oldKey, { claims }), tenant.env, 1);
    await tenant.publish([newKey]);
    forgetSigningKeysInMemory();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
    const res = await call("GET", "/segment_groups", { token: await tenant.sign(oldKey, { claims }), env: tenant.env });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(await tenant.jwksFetches()).toBe(2);
  });

  it("answers 503 auth_unavailable to every concurrent request when a cold isolate cannot fetch, with one fetch", async () => {
    const logs = expectErrorLogs();
    const { tenant, token } = await tenantWithToken();
    await tenant.breakJwks(503);
    const responses = await Promise.all(Array.from({ length: CONCURRENT }, () => call("GET", "/segment_groups", { token, env: tenant.env })));
    for (const res of responses) {
      expect(res.status, describeResponse(res)).toBe(503);
      expect(res.body.errors[0].code).toBe("auth_unavailable");
      expect(res.headers.get("Retry-After")).toBeTruthy();
    }
    expect(await tenant.jwksFetches()).toBe(1);
    expect(new Set(logs.events())).toEqual(new Set(["jwks_unavailable"]));
  });
});

/** How the Worker stores a key set in the Cache API (src/auth/key-set-sources.ts), with one thing changed per case. */
interface PlantedCopy {
  body?: unknown;
  fetchedAt?: string;
  uri?: string;
  contentType?: string;
}

describe("a Cache API copy the Worker did not write is refused and the set fetched again", () => {
  // Each case plants a copy holding an intruder's key for the tenant's JWKS URL, in a cold isolate,
  // then sends a token signed with that key: it must not verify, and the issuer is asked instead.
  async function plantAndTry(plant: (intruder: Awaited<ReturnType<typeof newSigningKey>>) => PlantedCopy) {
    const { tenant, token } = await tenantWithToken();
    await listConcurrently(token, tenant.env, 1);
    const intruder = await newSigningKey();
    const jwksUri = new URL(`${tenant.issuer}.well-known/jwks.json`);
    const copy = { body: { keys: [intruder.publicJwk] }, fetchedAt: String(Date.now() - 1_000), uri: jwksUri.href, contentType: "application/json", ...plant(intruder) };
    await caches.default.put(
      keySetCacheKey(jwksUri),
      new Response(JSON.stringify(copy.body), {
        headers: { "Content-Type": copy.contentType, "Cache-Control": "max-age=86400", "X-Jwks-Fetched-At": copy.fetchedAt, "X-Jwks-Uri": copy.uri },
      }),
    );
    forgetSigningKeysInMemory();
    const res = await call("GET", "/segment_groups", { token: await tenant.sign(intruder, { claims }), env: tenant.env });
    return { res, fetches: await tenant.jwksFetches(), tenant, token };
  }

  it("uses a copy exactly as the Worker writes it (so the cases below change one thing each)", async () => {
    const { res, fetches } = await plantAndTry(() => ({}));
    expect(res.status, describeResponse(res)).toBe(200);
    expect(fetches).toBe(1);
  });

  it.each<[string, (intruder: Awaited<ReturnType<typeof newSigningKey>>) => PlantedCopy]>([
    ["stamped an hour ahead (it would stay fresh forever)", () => ({ fetchedAt: String(Date.now() + 3_600_000) })],
    ["stamped a second ahead", () => ({ fetchedAt: String(Date.now() + 1_000) })],
    ["stamped longer ago than the key set's life", () => ({ fetchedAt: String(Date.now() - JWKS_MAX_AGE_MS - 1_000) })],
    ["with a stamp that is not a plain integer", () => ({ fetchedAt: "1e13" })],
    ["with no stamp", () => ({ fetchedAt: "" })],
    ["for another JWKS URL", () => ({ uri: "https://elsewhere.example.com/.well-known/jwks.json" })],
    ["with another content type", () => ({ contentType: "text/plain" })],
    ["with members beyond keys", (intruder) => ({ body: { keys: [intruder.publicJwk], extra: true } })],
    ["with a key that is not a JWK object", (intruder) => ({ body: { keys: [intruder.publicJwk, "not a key"] } })],
    ["that is not JSON", () => ({ body: undefined })],
  ])("a copy %s", async (_, plant) => {
    const { res, fetches, tenant, token } = await plantAndTry(plant);
    expect(res.status, describeResponse(res)).toBe(401);
    expect(fetches, "the issuer was asked instead").toBe(2);
    // The issuer's own set serves the tenant's real tokens.
    await listConcurrently(token, tenant.env, 1);
  });
});
