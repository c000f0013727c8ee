// `npm run bench:shards`: what a request costs on three shards against one database, in one run.
// Starts two `wrangler dev` of the API at once, each on a fresh local D1 state: one with `DB`
// alone, one with `DB`, `DB_2`, `DB_3` (the configuration `npm run dev -- --shards 3` uses,
// scripts/dev-shards.ts), every shard migrated and loaded with the demo catalog as scripts/dev.ts
// does. Seeds the same catalog and groups into both through the API, so three organizations are
// placed by their first writes (the shard with the fewest organizations: one per shard), then
// loads both with the same requests, taking turns. Prints the markdown of docs/scaling.md's
// measured section ("What a request costs on three shards"); `--write` puts it there, stores
// the run in bench/shards-run.json and rewrites BENCHMARKS.md (its last section).
//
//   npm run bench:shards                  full run (about 3 min on 2 cores)
//   npm run bench:shards -- --write       ... and rewrite docs/scaling.md's section and BENCHMARKS.md
//   npm run bench:shards -- --quick       seconds-long smoke: checks statuses and placements, writes nothing
//
// Ports (127.0.0.1 only, clear of the load benchmark's 8810-8823 and `npm run dev`'s 8787/8799):
// the one-database API 8830, the issuer 8831, the three-shard API 8832; inspectors 8860, 8862.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { devShardsConfig } from "../scripts/dev-shards.ts";
import { ALL_PERMISSIONS, startLocalIssuer, type LocalIssuer } from "../scripts/local-issuer.ts";
import { executeFileArgs, migrateArgs, readShardBindings, type WranglerTarget } from "../scripts/shards.ts";
import { ApiRequestLog, averageUsage } from "./api-log.ts";
import { runLoad, unexpectedStatuses, type LoadResult } from "./load.ts";
import { describeCommit, describeMachine } from "./machine.ts";
import { ROOT, runWrangler, sleep, startWrangler, stopAll } from "./processes.ts";
import { benchmarksMarkdown } from "./report.ts";
import { readStoredRuns } from "./results.ts";
import { inPool, send } from "./seed.ts";
import { waitHealthy, withoutLocalRateLimits } from "./servers.ts";
import {
  DEPLOYMENT_TITLES,
  replaceShardsSection,
  SHARD_SCENARIOS,
  SHARDS_FILES,
  shardRatio,
  shardsMarkdown,
  type Deployment,
  type ShardMeasurement,
  type ShardsRun,
} from "./shards-report.ts";
import { catalog, groupBody } from "./workload.ts";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false }, write: { type: "boolean", default: false } } });
const quick = args.quick!;
if (quick && args.write) throw new Error("bench:shards: --quick writes nothing; drop --write");
// As the load benchmark (bench/run.ts).
const CONNECTIONS = 16;
const SECONDS = quick ? 1 : 5;
const ROUNDS = quick ? 1 : 2;
const SETTLE_MS = quick ? 300 : 1_000;
const GROUPS_PER_ORGANIZATION = quick ? 5 : 60;
/** New organizations, placed in this order by their first writes: on three shards, one per shard. */
const ORGANIZATIONS = [81001, 81002, 81003];
const DEMO_CATALOG = "scripts/demo-catalog.sql";
const WORK_DIR = join(ROOT, ".wrangler", "bench-shards");
const PORTS = { issuer: 8831, http: { one: 8830, three: 8832 }, inspector: { one: 8860, three: 8862 } } satisfies Record<string, unknown>;
const SHARD_COUNT: Record<Deployment, number> = { one: 1, three: 3 };
const DEPLOYMENTS: Deployment[] = ["one", "three"];

let stateDir: string | undefined;
let issuer: LocalIssuer | undefined;

interface Api {
  url: string;
  log: ApiRequestLog;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  stateDir = await mkdtemp(join(tmpdir(), "segment-groups-bench-shards-"));
  issuer = await startLocalIssuer({ port: PORTS.issuer });
  const configs = await writeConfigs();
  step("migrating and loading the demo catalog into every shard");
  await Promise.all(DEPLOYMENTS.map((d) => prepareShards(configs[d], join(stateDir!, d))));
  // One after the other: each runs the build (`node scripts/openapi.ts`) into the same assets/.
  const apis = {} as Record<Deployment, Api>;
  for (const d of DEPLOYMENTS) {
    step(`starting the API on ${DEPLOYMENT_TITLES[d]}`);
    apis[d] = await startApi(d, configs[d], join(stateDir, d));
  }

  step(`seeding the catalog and ${GROUPS_PER_ORGANIZATION} groups in each of ${ORGANIZATIONS.length} organizations`);
  const admin = await issuer.mint({ organization_ids: ORGANIZATIONS, permissions: ALL_PERMISSIONS });
  await Promise.all(DEPLOYMENTS.map((d) => seed(apis[d].url, admin)));
  const placements = await placementsOf(apis.three.url, admin);
  const shards = new Set(Object.values(placements));
  if (shards.size !== ORGANIZATIONS.length) throw new Error(`bench:shards: expected one organization per shard, got ${JSON.stringify(placements)}`);
  step(`on three shards: ${JSON.stringify(placements)}`);

  const tokens = {
    one: await issuer.mint({ organization_ids: [ORGANIZATIONS[0]!], permissions: ALL_PERMISSIONS }),
    three: await issuer.mint({ organization_ids: ORGANIZATIONS, permissions: ALL_PERMISSIONS }),
  };
  const requests: Record<string, { method: "GET" | "POST"; path: string; body?: string; token: string; status: number }> = {
    "create-3": { method: "POST", path: "/segment_groups", body: JSON.stringify(groupOf(ORGANIZATIONS[0]!, "Bench create 3", 0)), token: tokens.one, status: 201 },
    "list-25": { method: "GET", path: "/segment_groups?limit=25", token: tokens.one, status: 200 },
    "list-25-three-organizations": { method: "GET", path: "/segment_groups?limit=25", token: tokens.three, status: 200 },
  };

  const kept = new Map<string, ShardMeasurement>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of SHARD_SCENARIOS) {
      // Each round starts with the other API, so neither always runs on the machine the other just warmed.
      const order = round % 2 === 1 ? DEPLOYMENTS : [...DEPLOYMENTS].reverse();
      for (const d of order) {
        const { method, path, body, token, status } = requests[scenario.id]!;
        const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) };
        const { result, d1 } = await measure(apis[d], { url: `${apis[d].url}${path}`, method, headers, body, expectedStatus: status });
        console.log(`bench:shards: round ${round}: ${scenario.id}, ${DEPLOYMENT_TITLES[d]}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, D1 ${d1 ? `${d1.queries} round trips, ${d1.rows_read} rows read` : "n/a"}`);
        const key = `${scenario.id}@${d}`;
        const previous = kept.get(key);
        if (!previous || result.requestsPerSecond > previous.requestsPerSecond) {
          const { requests: answered, requestsPerSecond, p50Ms, p99Ms } = result;
          kept.set(key, { scenario: scenario.id, deployment: d, requests: answered, requestsPerSecond, p50Ms, p99Ms, d1 });
        }
      }
    }
  }

  const run: ShardsRun = {
    date: new Date().toISOString().slice(0, 10),
    commit: describeCommit(),
    machine,
    method: { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, groupsPerOrganization: GROUPS_PER_ORGANIZATION },
    placements,
    measurements: SHARD_SCENARIOS.flatMap((s) => DEPLOYMENTS.map((d) => kept.get(`${s.id}@${d}`)!)),
  };
  const markdown = shardsMarkdown(run);
  console.log(`\n${markdown}\n`);
  for (const s of SHARD_SCENARIOS) console.log(`bench:shards: ${s.id}: p50 three shards / one database ${shardRatio(run, s.id, (m) => m.p50Ms)?.toFixed(2) ?? "–"}`);
  if (args.write) {
    const doc = join(ROOT, SHARDS_FILES.doc);
    await writeFile(doc, replaceShardsSection(await readFile(doc, "utf8"), markdown));
    await writeFile(join(ROOT, SHARDS_FILES.run), `${JSON.stringify(run, null, 2)}\n`);
    await writeFile(join(ROOT, "BENCHMARKS.md"), benchmarksMarkdown(readStoredRuns(join(ROOT, "bench/results")), run));
    console.log(`bench:shards: rewrote the measured section of ${SHARDS_FILES.doc}, ${SHARDS_FILES.run} and BENCHMARKS.md`);
  }
}

/**
 * wrangler.toml with its local rate limits lifted (as the load benchmark's API), as the
 * configuration for one shard and for three: the one `npm run dev -- --shards N` writes.
 */
async function writeConfigs(): Promise<Record<Deployment, string>> {
  const lifted = join(WORK_DIR, "wrangler.toml");
  await mkdir(WORK_DIR, { recursive: true });
  await writeFile(lifted, withoutLocalRateLimits(await readFile(join(ROOT, "wrangler.toml"), "utf8")));
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: lifted });
  const configs = {} as Record<Deployment, string>;
  for (const d of DEPLOYMENTS) {
    const configPath = join(".wrangler", "bench-shards", `shards-${SHARD_COUNT[d]}`, "wrangler.json");
    const generated = devShardsConfig(rawConfig as Parameters<typeof devShardsConfig>[0], SHARD_COUNT[d], { root: ROOT, configPath });
    await mkdir(dirname(join(ROOT, configPath)), { recursive: true });
    await writeFile(join(ROOT, configPath), `${JSON.stringify(generated, null, 2)}\n`);
    configs[d] = configPath;
  }
  return configs;
}

/** Every shard of `config` migrated and loaded with the demo catalog, as scripts/dev.ts does. */
async function prepareShards(config: string, persistTo: string): Promise<void> {
  const target: WranglerTarget = { where: "local", config };
  for (const shard of await readShardBindings(join(ROOT, config))) {
    await runWrangler([...migrateArgs(shard, target), "--persist-to", persistTo]);
    await runWrangler([...executeFileArgs(shard, DEMO_CATALOG, target), "--persist-to", persistTo]);
  }
}

async function startApi(d: Deployment, config: string, persistTo: string): Promise<Api> {
  const log = new ApiRequestLog();
  const output: string[] = [];
  const started = startWrangler(
    [
      "dev", "--config", config, "--ip", "127.0.0.1", "--port", String(PORTS.http[d]), "--inspector-port", String(PORTS.inspector[d]),
      "--persist-to", persistTo, "--show-interactive-dev-session=false",
      // The load creates far more groups in one organization than the default quota allows.
      "--var", `AUTH0_ISSUER_BASE_URL:${issuer!.url}`, "--var", "QUOTA_GROUPS_PER_ORGANIZATION:1000000000",
    ],
    (line) => {
      output.push(line);
      log.read(line);
    },
  );
  const url = `http://127.0.0.1:${PORTS.http[d]}`;
  await waitHealthy(url, started, () => output.join("\n"));
  return { url, log };
}

/** A 3-member group of `organization` (the load benchmark's shape). */
function groupOf(organization: number, name: string, offset: number) {
  return { ...groupBody(name, 3, offset), organization_id: organization };
}

/**
 * The catalog (global: every shard gets it), then each organization's first write in order, so
 * on three shards each lands on the shard with the fewest organizations, then the other groups.
 */
async function seed(url: string, token: string): Promise<void> {
  await send("POST", `${url}/segments/bulk`, { items: catalog() }, 200, token);
  for (const organization of ORGANIZATIONS) await send("POST", `${url}/segment_groups`, groupOf(organization, "Seeded 0", 0), 201, token);
  const rest = ORGANIZATIONS.flatMap((organization) => Array.from({ length: GROUPS_PER_ORGANIZATION - 1 }, (_, i) => groupOf(organization, `Seeded ${i + 1}`, 3 * (i + 1))));
  await inPool(rest, (group) => send("POST", `${url}/segment_groups`, group, 201, token));
}

async function placementsOf(url: string, token: string): Promise<Record<string, string>> {
  const placements: Record<string, string> = {};
  for (const organization of ORGANIZATIONS) {
    const { data } = (await send("GET", `${url}/admin/organizations/${organization}`, undefined, 200, token)) as { data: { shard: string; placed: boolean } };
    if (!data.placed) throw new Error(`bench:shards: organization ${organization} was not placed by its first write`);
    placements[organization] = data.shard;
  }
  return placements;
}

/** One load run, and the D1 usage its requests logged (between two markers, answers in flight given SETTLE_MS). */
async function measure(api: Api, request: Parameters<typeof runLoad>[0]): Promise<{ result: LoadResult; d1: ShardMeasurement["d1"] }> {
  const from = await api.log.mark(api.url);
  const result = await runLoad(request, { connections: CONNECTIONS, seconds: SECONDS, minAnswers: quick ? CONNECTIONS : 2 * CONNECTIONS });
  const unexpected = unexpectedStatuses(result, request.expectedStatus);
  if (unexpected) throw new Error(`bench:shards: ${request.method} ${request.url}: expected ${request.expectedStatus} every time, got ${unexpected}`);
  await sleep(SETTLE_MS);
  const to = await api.log.mark(api.url);
  const lines = api.log.lines.slice(from, to).filter((line) => line.method === request.method && line.route === "/segment_groups" && line.status === request.expectedStatus);
  return { result, d1: averageUsage(lines, () => true) ?? null };
}

function step(what: string): void {
  console.log(`bench:shards: ${what} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);
}

async function stop(): Promise<void> {
  await stopAll();
  if (issuer) await Promise.race([issuer.close(), sleep(1_000)]);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  await rm(WORK_DIR, { recursive: true, force: true });
  issuer = stateDir = undefined;
}

const startedAt = Date.now();
let exitCode = 0;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    stopping = true;
    void stop().finally(() => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]));
  });
}
try {
  await main();
} catch (err) {
  if (!stopping) console.error(`bench:shards: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  if (!stopping) await stop();
}
if (!stopping) {
  console.log(`bench:shards: ${exitCode === 0 ? "done" : "failed"} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; every server stopped`);
  process.exit(exitCode);
}
