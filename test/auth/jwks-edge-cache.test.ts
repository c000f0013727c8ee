import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetSigningKeysInMemory } from "../../src/auth/signing-keys";
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
