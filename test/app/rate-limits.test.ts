import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../src/middleware/rate-limit";
import wranglerToml from "../../wrangler.toml?raw";
import { call, describeResponse, type ApiResponse } from "../helpers/api";
import { OPENAPI_DOCUMENT } from "../helpers/contract";
import { snapshotTables } from "../helpers/db";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { mintToken } from "../helpers/tokens";

beforeEach(seedCatalog);

/** A stand-in for a rate limiting binding: `limit` requests per key, and a record of every key spent. */
function fakeLimiter(limit: number) {
  const counts = new Map<string, number>();
  const keys: string[] = [];
  const limiter: RateLimit = {
    async limit({ key }) {
      keys.push(key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return { success: counts.get(key)! <= limit };
    },
  };
  return { limiter, keys };
}

const freshSub = () => `auth0|rate-${crypto.randomUUID()}`;
const tokenOf = (sub: string, organizationIds: number[]) => mintToken({ claims: { sub, organization_ids: organizationIds } });

function expectRateLimited(res: ApiResponse) {
  expect(res.status, describeResponse(res)).toBe(429);
  expect(res.body).toEqual({
    errors: [{ code: "rate_limited", message: expect.any(String) }],
    meta: { status: "error", request_id: expect.any(String) },
  });
  expect(res.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
}

describe("rate limits (fake limiters: deterministic counts)", () => {
  it("refuses a caller over its limit with 429, writing nothing; another caller is unaffected", async () => {
    const callers = fakeLimiter(2);
    const limiters = { CALLER_RATE_LIMITER: callers.limiter, ORGANIZATION_RATE_LIMITER: fakeLimiter(1000).limiter };
    const busy = await tokenOf(freshSub(), [ORG]);
    for (let i = 0; i < 2; i++) {
      const res = await call("POST", "/segment_groups", { token: busy, json: validGroup(), env: limiters });
      expect(res.status, describeResponse(res)).toBe(201);
    }
    const before = await snapshotTables();
    expectRateLimited(await call("POST", "/segment_groups", { token: busy, json: validGroup(), env: limiters }));
    expect(await snapshotTables()).toEqual(before);

    const other = await call("POST", "/segment_groups", { token: await tokenOf(freshSub(), [ORG]), json: validGroup(), env: limiters });
    expect(other.status, describeResponse(other)).toBe(201);
  });

  it("refuses every caller of an organization over its limit; other organizations are unaffected", async () => {
    const organizations = fakeLimiter(2);
    const limiters = { CALLER_RATE_LIMITER: fakeLimiter(1000).limiter, ORGANIZATION_RATE_LIMITER: organizations.limiter };
    for (let i = 0; i < 2; i++) {
      const res = await call("GET", "/segment_groups", { token: await tokenOf(freshSub(), [ORG]), env: limiters });
      expect(res.status, describeResponse(res)).toBe(200);
    }
    expectRateLimited(await call("GET", "/segment_groups", { token: await tokenOf(freshSub(), [ORG]), env: limiters }));
    // A token naming the exhausted organization among others is refused too: it could act for it.
    expectRateLimited(await call("GET", "/segment_groups", { token: await tokenOf(freshSub(), [OTHER_ORG, ORG]), env: limiters }));

    const other = await call("GET", "/segment_groups", { token: await tokenOf(freshSub(), [OTHER_ORG]), env: limiters });
    expect(other.status, describeResponse(other)).toBe(200);
  });

  it("keys the caller by the token's sub and each organization by its id", async () => {
    const callers = fakeLimiter(1000);
    const organizations = fakeLimiter(1000);
    const sub = freshSub();
    const res = await call("GET", "/segments", {
      token: await tokenOf(sub, [ORG, OTHER_ORG]),
      env: { CALLER_RATE_LIMITER: callers.limiter, ORGANIZATION_RATE_LIMITER: organizations.limiter },
    });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(callers.keys).toEqual([`caller:${sub}`]);
    expect(organizations.keys.sort()).toEqual([`organization:${ORG}`, `organization:${OTHER_ORG}`].sort());
  });

  it("limits every authenticated operation of the API reference", async () => {
    const refusing = { CALLER_RATE_LIMITER: fakeLimiter(0).limiter, ORGANIZATION_RATE_LIMITER: fakeLimiter(0).limiter };
    const token = await tokenOf(freshSub(), [ORG]);
    const operations = Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, { security: unknown[] }>>).flatMap(
      ([template, methods]) => Object.entries(methods).filter(([, op]) => op.security.length > 0).map(([method]) => [method, template] as const),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const [method, template] of operations) {
      const path = template.replace(/\{[^}]+\}/g, (name) => (name === "{segment_type}" ? "3P" : "1"));
      const res = await call(method.toUpperCase(), path, { token, env: refusing, json: ["post", "put", "patch"].includes(method) ? {} : undefined });
      expect(res.status, `${method} ${path}: ${describeResponse(res)}`).toBe(429);
    }
  });

  it("never limits /health, and spends no budget on requests without a valid token", async () => {
    const callers = fakeLimiter(0);
    const organizations = fakeLimiter(0);
    const limiters = { CALLER_RATE_LIMITER: callers.limiter, ORGANIZATION_RATE_LIMITER: organizations.limiter };
    const health = await call("GET", "/health", { env: limiters });
    expect(health.status, describeResponse(health)).toBe(200);
    const anonymous = await call("GET", "/segment_groups", { env: limiters });
    expect(anonymous.status, describeResponse(anonymous)).toBe(401);
    expect([...callers.keys, ...organizations.keys]).toEqual([]);
  });

  it("lets requests through, and logs it, when the limiter itself fails", async () => {
    const logs = expectErrorLogs();
    const broken: RateLimit = {
      limit: () => Promise.reject(new Error("rate limiter unreachable")),
    };
    const res = await call("GET", "/segment_groups", {
      token: await tokenOf(freshSub(), [ORG]),
      env: { CALLER_RATE_LIMITER: broken, ORGANIZATION_RATE_LIMITER: broken },
    });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(logs.events()).toEqual(["rate_limiter_unavailable", "rate_limiter_unavailable"]);
  });
});

describe("rate limits (the bindings configured in wrangler.toml)", () => {
  it("refuses a caller whose budget in the configured binding is spent; another caller is unaffected", async () => {
    // The simulator's windows are aligned to the clock: if one ends between spending the
    // budget and the request, the request lands in a fresh window; spend it again then.
    let res: ApiResponse | undefined;
    for (let attempt = 0; attempt < 3 && res?.status !== 429; attempt++) {
      const sub = freshSub();
      let spent = 0;
      // In concurrent rounds, until the binding refuses (a refusal spends nothing).
      for (let refused = false; !refused; ) {
        const outcomes = await Promise.all(Array.from({ length: 100 }, () => env.CALLER_RATE_LIMITER.limit({ key: `caller:${sub}` })));
        spent += outcomes.filter((o) => o.success).length;
        refused = outcomes.some((o) => !o.success);
      }
      // More than the limit only when a window ended meanwhile.
      expect(spent, "the local caller limit in wrangler.toml").toBeGreaterThanOrEqual(configuredLimit("", "CALLER_RATE_LIMITER"));
      res = await call("GET", "/segment_groups", { token: await tokenOf(sub, [ORG]) });
    }
    expectRateLimited(res!);
    const other = await call("GET", "/segment_groups", { token: await tokenOf(freshSub(), [ORG]) });
    expect(other.status, describeResponse(other)).toBe(200);
  }, 60_000);

  it("declares both limiters in every environment, with the period Retry-After assumes", () => {
    const namespaces = new Set<string>();
    for (const environment of ["", "env.staging.", "env.production."]) {
      for (const name of ["CALLER_RATE_LIMITER", "ORGANIZATION_RATE_LIMITER"]) {
        const binding = ratelimitBinding(environment, name);
        expect(binding, `[[${environment}ratelimits]] ${name}`).toBeDefined();
        expect(binding!.period, `${environment}${name}`).toBe(RATE_LIMIT_PERIOD_SECONDS);
        expect(binding!.limit, `${environment}${name}`).toBeGreaterThan(0);
        namespaces.add(binding!.namespaceId);
      }
    }
    expect(namespaces.size, "each binding needs a namespace of its own").toBe(6);
  });
});

// wrangler.toml as text: the [[<env>ratelimits]] tables are flat and written one way (see the file).
function ratelimitBinding(environment: string, name: string) {
  const tables = wranglerToml.split(/^(?=\[)/m).filter((table) => table.startsWith(`[[${environment}ratelimits]]`));
  const table = tables.find((t) => t.includes(`name = "${name}"`));
  if (!table) return undefined;
  const simple = /simple = \{ limit = (\d+), period = (\d+) \}/.exec(table);
  return { namespaceId: /namespace_id = "([^"]+)"/.exec(table)![1]!, limit: Number(simple![1]), period: Number(simple![2]) };
}

const configuredLimit = (environment: string, name: string) => ratelimitBinding(environment, name)!.limit;
