import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { MAX_ORGANIZATIONS_SPENT_IN_REACH, RATE_LIMIT_PERIOD_SECONDS } from "../../src/middleware/rate-limit";
import wranglerToml from "../../wrangler.toml?raw";
import { call, describeResponse, type ApiResponse } from "../helpers/api";
import { OPENAPI_DOCUMENT } from "../helpers/contract";
import { snapshotTables } from "../helpers/db";
import { expectErrorLogs } from "../helpers/expected-logs";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createTenant, newSigningKey } from "../helpers/tenants";
import { mintToken } from "../helpers/tokens";
import { PROTECTED_ROUTES } from "../auth/protected-routes";

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

describe("rate limits: the organizations a request acts on, and only those", () => {
  /** Every organization key ORGANIZATION_RATE_LIMITER is asked for while `send` runs, sorted. */
  async function organizationKeysSpentBy(send: (limiters: Record<string, RateLimit>) => Promise<ApiResponse>) {
    const callers = fakeLimiter(1000);
    const organizations = fakeLimiter(1000);
    const res = await send({ CALLER_RATE_LIMITER: callers.limiter, ORGANIZATION_RATE_LIMITER: organizations.limiter });
    // Not refused, and answered by the route (DELETE /segments/3P/301 may be 409: other tests' groups use it).
    expect(res.status === 409 || (res.status >= 200 && res.status < 300), describeResponse(res)).toBe(true);
    expect(callers.keys, "one unit of the caller's budget").toHaveLength(1);
    return organizations.keys.sort();
  }
  const manyOrganizations = (count: number) => [...Array.from({ length: count - 1 }, (_, i) => 7_000_000 + i), ORG];
  // The routes whose request names ORG (a body's or a filter's organization_id); the others
  // address a group or segment by id.
  const NAMING = new Set(["POST /segment_groups", "GET /segment_groups", "GET /segment_groups/changes", "GET /segments", "PUT /segments/{segment_type}/{segment_id}", "POST /segments/bulk", "GET /usage", "POST /segment_groups/reach"]);

  for (const [key, route] of Object.entries(PROTECTED_ROUTES)) {
    const method = key.slice(0, key.indexOf(" "));
    it(`${key}: with a token of 50 organizations, spends ${NAMING.has(key) ? "only the one it names" : "none beyond the caller's"}`, async () => {
      const token = await tokenOf(freshSub(), manyOrganizations(50));
      const path = typeof route.path === "string" ? route.path : await route.path();
      const spent = await organizationKeysSpentBy((env) => call(method, path, { token, json: route.json, rawBody: route.rawBody, headers: route.headers, env }));
      expect(spent).toEqual(NAMING.has(key) ? [`organization:${ORG}`] : []);
    });

    it(`${key}: refused with 429 when the organization it acts for is over its limit`, async () => {
      const limiters = { CALLER_RATE_LIMITER: fakeLimiter(1000).limiter, ORGANIZATION_RATE_LIMITER: fakeLimiter(0).limiter };
      const path = typeof route.path === "string" ? route.path : await route.path();
      const before = await snapshotTables();
      expectRateLimited(await call(method, path, { token: await tokenOf(freshSub(), [ORG]), json: route.json, rawBody: route.rawBody, headers: route.headers, env: limiters }));
      expect(await snapshotTables()).toEqual(before);
    });
  }

  it(`bounds a read over all of a token's organizations: each while it holds at most ${MAX_ORGANIZATIONS_SPENT_IN_REACH}, none beyond the caller's past that`, async () => {
    for (const [path, fewest] of [
      ["/segment_groups", MAX_ORGANIZATIONS_SPENT_IN_REACH],
      ["/segments", MAX_ORGANIZATIONS_SPENT_IN_REACH],
      // The feed answers more than 5 organizations once its query is fixed (on its own branch).
      ["/segment_groups/changes", 5],
    ] as const) {
      const few = manyOrganizations(fewest);
      const spentFew = await organizationKeysSpentBy(async (env) => call("GET", path, { token: await tokenOf(freshSub(), few), env }));
      expect(spentFew, path).toEqual(few.map((id) => `organization:${id}`).sort());
      const many = manyOrganizations(path === "/segment_groups/changes" ? 1000 : MAX_ORGANIZATIONS_SPENT_IN_REACH + 1);
      const spentMany = await organizationKeysSpentBy(async (env) => call("GET", path, { token: await tokenOf(freshSub(), many), env }));
      expect(spentMany, path).toEqual([]);
    }
  });

  it("never spends the unit of an organization the caller may not act for", async () => {
    const organizations = fakeLimiter(1000);
    const limiters = { CALLER_RATE_LIMITER: fakeLimiter(1000).limiter, ORGANIZATION_RATE_LIMITER: organizations.limiter };
    const token = await tokenOf(freshSub(), manyOrganizations(50));
    for (const [method, path, json] of [
      ["POST", "/segment_groups", validGroup({ organization_id: OTHER_ORG })],
      ["GET", `/segment_groups?organization_id=${OTHER_ORG}`, undefined],
      ["POST", "/segments/bulk", { items: [{ segment_type: "3P", segment_id: 9611, name: "Mine", organization_id: ORG }, { segment_type: "3P", segment_id: 9612, name: "Theirs", organization_id: OTHER_ORG }] }],
    ] as const) {
      const res = await call(method, path, { token, json, env: limiters });
      expect(res.status, describeResponse(res)).toBe(403);
    }
    expect(organizations.keys).toEqual([]);
  });
});

describe("rate limits: failed authentications, per client address", () => {
  const ADDRESS = "203.0.113.7";
  const from = (address: string): Record<string, string> => ({ "CF-Connecting-IP": address });

  it("answers 429 once an address has failed too often, while other addresses and valid tokens pass", async () => {
    const failures = fakeLimiter(2);
    const env = { AUTH_FAILURE_RATE_LIMITER: failures.limiter };
    for (const authorization of [undefined, "Bearer not-a-jwt"]) {
      const res = await call("GET", "/segment_groups", { headers: { ...from(ADDRESS), ...(authorization ? { Authorization: authorization } : {}) }, env });
      expect(res.status, describeResponse(res)).toBe(401);
    }
    const before = await snapshotTables();
    const expired = await mintToken({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
    expectRateLimited(await call("POST", "/segment_groups", { token: expired, json: validGroup(), headers: from(ADDRESS), env }));
    expectRateLimited(await call("GET", "/segment_groups", { headers: from(ADDRESS), env }));
    expect(await snapshotTables()).toEqual(before);

    const elsewhere = await call("GET", "/segment_groups", { headers: from("198.51.100.1"), env });
    expect(elsewhere.status, describeResponse(elsewhere)).toBe(401);

    // A valid token from the refused address: answered, and it spends nothing of the failure budget.
    const spentBefore = failures.keys.length;
    const valid = await call("GET", "/segment_groups", { token: await tokenOf(freshSub(), [ORG]), headers: from(ADDRESS), env });
    expect(valid.status, describeResponse(valid)).toBe(200);
    expect(failures.keys.length).toBe(spentBefore);
    expect(new Set(failures.keys)).toEqual(new Set([`auth-failure:${ADDRESS}`, "auth-failure:198.51.100.1"]));
  });

  it("counts requests without CF-Connecting-IP under one shared key", async () => {
    const failures = fakeLimiter(1000);
    const res = await call("GET", "/segments", { token: "not-a-jwt", env: { AUTH_FAILURE_RATE_LIMITER: failures.limiter } });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(failures.keys).toEqual(["auth-failure:unknown"]);
  });

  it("spends nothing when the issuer's keys cannot be fetched (503 is not the client's failure)", async () => {
    const logs = expectErrorLogs();
    const failures = fakeLimiter(1000);
    const key = await newSigningKey();
    const tenant = await createTenant([key]);
    await tenant.breakJwks(503);
    const res = await call("GET", "/segment_groups", {
      token: await tenant.sign(key, { claims: { organization_ids: [ORG] } }),
      headers: from(ADDRESS),
      env: { AUTH_FAILURE_RATE_LIMITER: failures.limiter, ...tenant.env },
    });
    expect(res.status, describeResponse(res)).toBe(503);
    expect(failures.keys).toEqual([]);
    expect(logs.events()).toContain("jwks_unavailable");
  });

  it("answers the 401, and logs it, when the limiter itself fails", async () => {
    const logs = expectErrorLogs();
    const broken: RateLimit = { limit: () => Promise.reject(new Error("rate limiter unreachable")) };
    const res = await call("GET", "/segment_groups", { headers: from(ADDRESS), env: { AUTH_FAILURE_RATE_LIMITER: broken } });
    expect(res.status, describeResponse(res)).toBe(401);
    expect(logs.events()).toEqual(["rate_limiter_unavailable"]);
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

  it("declares every limiter in every environment, with the period Retry-After assumes", () => {
    const namespaces = new Set<string>();
    for (const environment of ["", "env.staging.", "env.production."]) {
      for (const name of LIMITERS) {
        const binding = ratelimitBinding(environment, name);
        expect(binding, `[[${environment}ratelimits]] ${name}`).toBeDefined();
        expect(binding!.period, `${environment}${name}`).toBe(RATE_LIMIT_PERIOD_SECONDS);
        expect(binding!.limit, `${environment}${name}`).toBeGreaterThan(0);
        namespaces.add(binding!.namespaceId);
      }
    }
    expect(namespaces.size, "each binding needs a namespace of its own").toBe(9);
  });

  it("keeps the local failed-authentication limit out of reach of the tests and the bench (they share one address)", () => {
    expect(configuredLimit("", "AUTH_FAILURE_RATE_LIMITER")).toBeGreaterThanOrEqual(100_000);
  });
});

const LIMITERS = ["CALLER_RATE_LIMITER", "ORGANIZATION_RATE_LIMITER", "AUTH_FAILURE_RATE_LIMITER"];

// wrangler.toml as text: the [[<env>ratelimits]] tables are flat and written one way (see the file).
function ratelimitBinding(environment: string, name: string) {
  const tables = wranglerToml.split(/^(?=\[)/m).filter((table) => table.startsWith(`[[${environment}ratelimits]]`));
  const table = tables.find((t) => t.includes(`name = "${name}"`));
  if (!table) return undefined;
  const simple = /simple = \{ limit = (\d+), period = (\d+) \}/.exec(table);
  return { namespaceId: /namespace_id = "([^"]+)"/.exec(table)![1]!, limit: Number(simple![1]), period: Number(simple![2]) };
}

const configuredLimit = (environment: string, name: string) => ratelimitBinding(environment, name)!.limit;
