import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JWKS_COOLDOWN_MS, JWKS_MAX_AGE_MS, JWKS_UNKNOWN_KID_REFETCHES } from "../../src/auth/signing-keys";
import { call, describeResponse } from "../helpers/api";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createTenant, newSigningKey } from "../helpers/tenants";

// Each test uses a tenant of its own, so its JWKS URL starts cold in the Worker's cache and
// its fetch counter counts only this test's requests.

beforeEach(seedCatalog);
afterEach(() => {
  vi.useRealTimers();
});

const createGroup = (token: string, env: Record<string, string>) =>
  call("POST", "/segment_groups", { token, json: validGroup(), env });
const claims = { organization_ids: [ORG] };

describe("JWKS fetching and caching", () => {
  it("fetches the JWKS once, then serves a warm isolate with zero fetches", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    for (let i = 0; i < 5; i++) {
      const res = await createGroup(await tenant.sign(key, { claims }), tenant.env);
      expect(res.status, describeResponse(res)).toBe(201);
    }
    expect(await tenant.jwksFetches()).toBe(1);
  });

  it("fetches at most once per cooldown window for unknown kids", async () => {
    const key = await newSigningKey();
    const stranger = await newSigningKey();
    const tenant = await createTenant([key]);
    expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(201);
    expect(await tenant.jwksFetches()).toBe(1);
    for (let i = 0; i < 10; i++) {
      const res = await createGroup(await tenant.sign(stranger, { claims }), tenant.env);
      expect(res.status, describeResponse(res)).toBe(401);
    }
    // The first fetch just happened, so the window is closed: no refetch at all.
    expect(await tenant.jwksFetches()).toBe(1);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    for (let i = 0; i < 10; i++) {
      const res = await createGroup(await tenant.sign(stranger, { claims }), tenant.env);
      expect(res.status, describeResponse(res)).toBe(401);
    }
    expect(await tenant.jwksFetches()).toBe(2);
  });

  it(`refetches for unknown kids at most ${JWKS_UNKNOWN_KID_REFETCHES} times per key set lifetime, however long apart`, async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(201);
    const start = Date.now();
    // One made-up kid per cooldown, each one past it: only the budget stops the refetches.
    const rounds = JWKS_UNKNOWN_KID_REFETCHES + 3;
    for (let round = 1; round <= rounds; round++) {
      vi.useFakeTimers({ toFake: ["Date"], now: start + round * (JWKS_COOLDOWN_MS + 1_000) });
      const res = await createGroup(await tenant.sign(await newSigningKey(), { claims }), tenant.env);
      expect(res.status, describeResponse(res)).toBe(401);
    }
    expect(rounds * (JWKS_COOLDOWN_MS + 1_000)).toBeLessThan(JWKS_MAX_AGE_MS);
    expect(await tenant.jwksFetches()).toBe(1 + JWKS_UNKNOWN_KID_REFETCHES);
    // Known keys keep working meanwhile, from the set in memory.
    expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(201);
  });

  it("accepts a newly published key (rotation) within a minute, without a restart", async () => {
    const oldKey = await newSigningKey();
    const newKey = await newSigningKey();
    const tenant = await createTenant([oldKey]);
    expect((await createGroup(await tenant.sign(oldKey, { claims }), tenant.env)).status).toBe(201);

    await tenant.publish([oldKey, newKey]);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    const rotated = await createGroup(await tenant.sign(newKey, { claims }), tenant.env);
    expect(rotated.status, describeResponse(rotated)).toBe(201);
    const stillOld = await createGroup(await tenant.sign(oldKey, { claims }), tenant.env);
    expect(stillOld.status, describeResponse(stillOld)).toBe(201);
    expect(await tenant.jwksFetches()).toBe(2);
  });

  it("stops accepting a key once it is unpublished and the set is refreshed", async () => {
    const oldKey = await newSigningKey();
    const newKey = await newSigningKey();
    const tenant = await createTenant([oldKey, newKey]);
    expect((await createGroup(await tenant.sign(oldKey, { claims }), tenant.env)).status).toBe(201);
    await tenant.publish([newKey]);
    // The cache lives 10 minutes; after that the set is fetched again and the old key is gone.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
    const res = await createGroup(await tenant.sign(oldKey, { claims }), tenant.env);
    expect(res.status, describeResponse(res)).toBe(401);
  });

  it("answers 503, not 401, when the JWKS cannot be fetched and no keys are cached", async () => {
    const logs = expectErrorLogs();
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    await tenant.breakJwks(500);
    const res = await createGroup(await tenant.sign(key, { claims }), tenant.env);
    expect(res.status, describeResponse(res)).toBe(503);
    expect(res.body.errors).toEqual([{ code: "auth_unavailable", message: expect.any(String) }]);
    expect(res.headers.get("Retry-After")).toBeTruthy();

    // An unreachable issuer: fetch rejects, as it does when the connection fails. Simulated
    // rather than dialled, because workerd prints every refused connection as an uncaught error.
    const UNREACHABLE = "http://127.0.0.1:9/.well-known/jwks.json";
    const realFetch = globalThis.fetch;
    const network = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) =>
      new Request(input).url === UNREACHABLE ? Promise.reject(new TypeError("Network connection lost.")) : realFetch(input, init),
    );
    const unreachable = await createGroup(await tenant.sign(key, { claims }), { ...tenant.env, AUTH0_JWKS_URI: UNREACHABLE });
    expect(network.mock.calls.map(([input]) => new Request(input).url)).toContain(UNREACHABLE);
    network.mockRestore();
    expect(unreachable.status, describeResponse(unreachable)).toBe(503);

    // Failed fetches are not retried for a few seconds, so an outage costs one fetch, not one per request.
    const fetchesDuringOutage = await tenant.jwksFetches();
    for (let i = 0; i < 5; i++) expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(503);
    expect(await tenant.jwksFetches()).toBe(fetchesDuringOutage);

    await tenant.publish([key]);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6_000 });
    const recovered = await createGroup(await tenant.sign(key, { claims }), tenant.env);
    expect(recovered.status, describeResponse(recovered)).toBe(201);
    expect(new Set(logs.events())).toEqual(new Set(["jwks_unavailable"]));
  });

  it("keeps verifying with the cached keys when a refresh fails (stale-if-error)", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(201);
    await tenant.breakJwks(502);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
    const res = await createGroup(await tenant.sign(key, { claims }), tenant.env);
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it("does not let unknown kids hammer a failing JWKS: one fetch per cooldown window", async () => {
    const key = await newSigningKey();
    const stranger = await newSigningKey();
    const tenant = await createTenant([key]);
    expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(201);
    await tenant.breakJwks(503);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    for (let i = 0; i < 10; i++) {
      const res = await createGroup(await tenant.sign(stranger, { claims }), tenant.env);
      expect(res.status, describeResponse(res)).toBe(401);
      // Known keys keep working from the cached set meanwhile.
      expect((await createGroup(await tenant.sign(key, { claims }), tenant.env)).status).toBe(201);
    }
    expect(await tenant.jwksFetches()).toBe(2);
  });

  it("uses AUTH0_JWKS_URI when it is set", async () => {
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    const elsewhere = await createTenant([key]);
    const res = await createGroup(await tenant.sign(key, { claims }), {
      ...tenant.env,
      AUTH0_JWKS_URI: `${elsewhere.issuer}.well-known/jwks.json`,
    });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(await tenant.jwksFetches()).toBe(0);
    expect(await elsewhere.jwksFetches()).toBe(1);
  });
});
