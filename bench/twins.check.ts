// `npm run bench:check`: the twins' platform mode (bench/twins/platform-calls.ts) spends the
// units the API spends and writes the API's request log line; each twin's wrangler.toml
// carries the API's local rate limiters, lifted as the bench lifts the API's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import "../scripts/worker-sources.ts";
import { ApiRequestLog, averageUsage } from "./api-log.ts";
import { withoutLocalRateLimits } from "./servers.ts";
import type { D1Usage } from "./twins/wire.ts";

interface Limiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}
type Limiters = { CALLER_RATE_LIMITER: Limiter; ORGANIZATION_RATE_LIMITER: Limiter };
type Create = () => Promise<{ id: string; d1: D1Usage }>;
// By computed URL: the twins are Worker code, outside this directory's (Node) type check.
const { answerCreate, TWIN_SUBJECT } = (await import(new URL("./twins/platform-calls.ts", import.meta.url).href)) as {
  answerCreate(url: URL, limiters: Limiters, organizationId: number, create: Create): Promise<Response>;
  TWIN_SUBJECT: string;
};

/** The fields of the API's request log line (test/app/request-log.test.ts holds the API to them). */
const API_LOG_FIELDS = [
  "level",
  "event",
  "request_id",
  "client_request_id",
  "method",
  "route",
  "status",
  "duration_ms",
  "organization_ids",
  "error_code",
  "d1_queries",
  "d1_rows_read",
  "d1_rows_written",
];
const USAGE: D1Usage = { queries: 1, rows_read: 7, rows_written: 5 };
const PLATFORM = new URL("http://twin/segment_groups?platform=1");

/** Limiters recording every key spent, in order, across both; `answer` decides each outcome. */
function recordingLimiters(answer: (key: string) => Promise<{ success: boolean }> = async () => ({ success: true })) {
  const spent: string[] = [];
  const limiter: Limiter = {
    limit({ key }) {
      spent.push(key);
      return answer(key);
    },
  };
  return { limiters: { CALLER_RATE_LIMITER: limiter, ORGANIZATION_RATE_LIMITER: limiter }, spent };
}

/** Runs `fn` with console.log captured; returns its result and the lines. */
async function captureLog<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = original;
  }
}

test("platform mode spends the caller's unit, then the body's organization's, and logs the API's line once", async () => {
  const { limiters, spent } = recordingLimiters();
  let creates = 0;
  const create: Create = async () => {
    creates++;
    return { id: "g1", d1: USAGE };
  };
  const { result: res, lines } = await captureLog(() => answerCreate(PLATFORM, limiters, 1234, create));
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { id: "g1", d1: USAGE });
  assert.equal(creates, 1);
  assert.deepEqual(spent, [`caller:${TWIN_SUBJECT}`, "organization:1234"]);
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(line), API_LOG_FIELDS);
  assert.deepEqual({ ...line, request_id: typeof line.request_id, duration_ms: typeof line.duration_ms }, {
    level: "info",
    event: "request",
    request_id: "string",
    client_request_id: null,
    method: "POST",
    route: "/segment_groups",
    status: 201,
    duration_ms: "number",
    organization_ids: [1234],
    error_code: null,
    d1_queries: 1,
    d1_rows_read: 7,
    d1_rows_written: 5,
  });
  // The bench would read it as it reads the API's (it only ever feeds the API's output, though).
  const log = new ApiRequestLog();
  log.read(lines[0]!);
  assert.deepEqual(averageUsage(log.lines, () => true), USAGE);
});

test("plain mode spends nothing and logs nothing", async () => {
  const { limiters, spent } = recordingLimiters();
  const { result: res, lines } = await captureLog(() => answerCreate(new URL("http://twin/segment_groups"), limiters, 1234, async () => ({ id: "g1", d1: USAGE })));
  assert.equal(res.status, 201);
  assert.deepEqual(spent, []);
  assert.deepEqual(lines, []);
});

test("a refused limiter answers 429 and a failing one 500, without creating: the bench's status check sees both", async () => {
  const create: Create = async () => assert.fail("created despite the limiter");
  const refused = recordingLimiters(async (key) => ({ success: !key.startsWith("organization:") }));
  const { result: limited, lines } = await captureLog(() => answerCreate(PLATFORM, refused.limiters, 1234, create));
  assert.equal(limited.status, 429);
  assert.deepEqual(refused.spent, [`caller:${TWIN_SUBJECT}`, "organization:1234"]);
  assert.deepEqual(JSON.parse(lines[0]!), { ...JSON.parse(lines[0]!), level: "warn", status: 429, error_code: "rate_limited", d1_queries: 0 });

  const failing = recordingLimiters(async () => Promise.reject(new Error("limiter down")));
  const { result: failed } = await captureLog(() => answerCreate(PLATFORM, failing.limiters, 1234, create));
  assert.equal(failed.status, 500);
  assert.match(await failed.text(), /limiter down/);
});

/** name / namespace_id / simple of each top-level (local) `[[ratelimits]]` binding. */
function localRateLimitBindings(config: string): string[][] {
  const firstEnvironment = config.search(/^\[+env\./m);
  const local = firstEnvironment === -1 ? config : config.slice(0, firstEnvironment);
  return local
    .split(/^\[\[ratelimits\]\]$/m)
    .slice(1)
    .map((block) => block.split(/^\[/m)[0]!.match(/^(name|namespace_id|simple) = .*$/gm) ?? []);
}

test("each twin declares the API's local rate limiters of a valid request, lifted as the bench lifts the API's", () => {
  const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");
  // Failed authentications have a limiter of their own, which a valid request never spends.
  const api = localRateLimitBindings(withoutLocalRateLimits(read("../wrangler.toml"))).filter(
    (binding) => binding[0] !== 'name = "AUTH_FAILURE_RATE_LIMITER"',
  );
  assert.deepEqual(
    api.map((binding) => binding[0]),
    ['name = "CALLER_RATE_LIMITER"', 'name = "ORGANIZATION_RATE_LIMITER"'],
  );
  for (const twin of ["minimal", "own-sql"]) {
    assert.deepEqual(localRateLimitBindings(read(`./twins/${twin}/wrangler.toml`)), api, `bench/twins/${twin}/wrangler.toml`);
  }
});
