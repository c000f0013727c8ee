// `npm run bench`: a load benchmark of the API against two twin Workers (bench/twins/), all
// started here on fresh local D1 state and stopped again however the run ends. Stores the run
// in bench/results/<label>.json and rewrites BENCHMARKS.md from every stored run. Each create
// runs against each twin twice: plain, then paying the API's platform calls (`?platform=1`,
// bench/twins/platform-calls.ts), for the ratios with both sides paying them.
//
//   npm run bench                          full run, stored as label "after"
//   npm run bench -- --label before --note "main before the redesign"
//   npm run bench -- --quick               seconds-long smoke (CI): checks statuses, prints the
//                                          ratios, writes nothing; never asserts a timing
//   npm run bench -- --report              only rewrites BENCHMARKS.md from bench/results/
//   npm run bench -- --only create-3       a full-length run of the named scenarios (ids in
//                                          bench/workload.ts, comma-separated); prints, stores nothing
//
// Environment: BENCH_PORT_BASE (default 8810; uses base..base+13). Only talks to 127.0.0.1.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ApiRequestLog, averageUsage, type RequestLine } from "./api-log.ts";
import { runLoad, unexpectedStatuses, type LoadResult } from "./load.ts";
import { describeCommit, describeMachine } from "./machine.ts";
import { cpuPerRequest, describeCpu, groupCpu, type ServerCpu } from "./process-cpu.ts";
import { ROOT, sleep } from "./processes.ts";
import { benchmarksMarkdown, consoleSummary } from "./report.ts";
import { readStoredRuns, storedRunJson, type BenchRun, type Measurement } from "./results.ts";
import { readShardsRun } from "./shards-report.ts";
import { seedCatalog, seedGroups } from "./seed.ts";
import { startServers, stopServers, type Servers } from "./servers.ts";
import type { D1Usage } from "./twins/wire.ts";
import {
  groupsToSeed,
  ORGANIZATION_ID,
  selectScenarios,
  subjectsOf,
  subjectTitle,
  type Scenario,
  type SeededIds,
  type Subject,
} from "./workload.ts";
import { ALL_PERMISSIONS } from "../scripts/local-issuer.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    report: { type: "boolean", default: false },
    label: { type: "string", default: "after" },
    note: { type: "string", default: "" },
    only: { type: "string" },
  },
});
const quick = args.quick!;
const scenarios = selectScenarios(args.only);
// A partial run is for experiments: printed, never stored beside the full runs.
const storing = !quick && args.only === undefined;
const CONNECTIONS = 16;
const SECONDS = quick ? 1 : 5;
const ROUNDS = quick ? 1 : 2;
// Time for answers still in flight when a load run stops, before the log window closes.
const SETTLE_MS = quick ? 300 : 1_000;
const RESULTS_DIR = join(ROOT, "bench/results");

if (args.report) {
  await writeReport();
  process.exit(0);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\nbench: ${signal}, stopping the servers...`);
    void stopServers().finally(() => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]));
  });
}

const started = Date.now();
const log = new ApiRequestLog();
let exitCode = 0;
try {
  const run = await bench();
  console.log(`\n${consoleSummary(run)}`);
  if (storing) await store(run);
} catch (err) {
  // After a signal, failures are the servers going away under us: not worth reporting.
  if (!stopping) console.error(`\nbench: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  if (!stopping) await stopServers();
}
if (!stopping) {
  console.log(`bench: ${exitCode === 0 ? "done" : "failed"} in ${((Date.now() - started) / 1000).toFixed(0)} s; every server stopped`);
  process.exit(exitCode);
}

async function bench(): Promise<BenchRun> {
  const machine = describeMachine();
  console.log(`bench: starting the API and both twins (${quick ? "quick" : "full"} run)...`);
  const servers = await startServers((line) => log.read(line));
  const token = await servers.issuer.mint({ organization_ids: [ORGANIZATION_ID], permissions: ALL_PERMISSIONS });
  console.log(`bench: ready after ${((Date.now() - started) / 1000).toFixed(0)} s; seeding...`);
  await seedCatalog(servers.urls.api, servers.urls["own-sql"], token);
  const seeded = groupsToSeed(quick);
  const [ids] = await Promise.all([
    seedGroups(servers.urls.api, token, seeded),
    seedGroups(servers.urls["own-sql"], undefined, seeded),
    seedGroups(servers.urls.minimal, undefined, seeded),
  ]);

  const samples = new Map<string, { bytes: number; d1: D1Usage | null }>();
  for (const scenario of scenarios) {
    for (const subject of subjectsOf(scenario)) samples.set(key(scenario, subject), await sample(servers, token, ids, scenario, subject));
  }

  const best = new Map<string, LoadResult & { serverCpu?: ServerCpu }>();
  const apiLines = new Map<string, RequestLine[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      for (const subject of subjectsOf(scenario)) {
        const group = servers.processGroups[subject.target];
        const cpuBefore = groupCpu(group);
        const { result, lines } = await measure(servers, token, ids, scenario, subject);
        // The whole wrangler dev, not only the isolate: e.g. the API's request log line is relayed by wrangler.
        const cpu = cpuPerRequest(cpuBefore, groupCpu(group), result.requests);
        const latency = `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`;
        console.log(`bench: round ${round}: ${scenario.title}, ${subjectTitle(subject)}: ${result.requestsPerSecond.toFixed(0)} req/s, ${latency}${cpu ? `, server CPU ${describeCpu(cpu)}` : ""}`);
        const previous = best.get(key(scenario, subject));
        if (!previous || result.requestsPerSecond > previous.requestsPerSecond) best.set(key(scenario, subject), { ...result, serverCpu: cpu });
        apiLines.set(scenario.id, [...(apiLines.get(scenario.id) ?? []), ...lines]);
      }
    }
  }

  const measurements: Measurement[] = scenarios.flatMap((scenario) =>
    subjectsOf(scenario).map((subject) => {
      const { target, platformCalls } = subject;
      const { bytes, d1 } = samples.get(key(scenario, subject))!;
      const { requests, requestsPerSecond, p50Ms, p99Ms, serverCpu } = best.get(key(scenario, subject))!;
      const usage = target === "api" ? (averageUsage(apiLines.get(scenario.id) ?? [], () => true) ?? null) : d1;
      return { scenario: scenario.id, target, platformCalls, requests, requestsPerSecond, p50Ms, p99Ms, serverCpu, d1: usage, responseBytes: bytes };
    }),
  );
  return {
    label: args.label!,
    note: args.note!,
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    commit: describeCommit(),
    machine,
    method: { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS },
    measurements,
  };
}

/**
 * One load run; for the API also the request log lines its requests wrote, taken between two
 * markers (answers still in flight when the run stops get SETTLE_MS to be logged).
 */
async function measure(servers: Servers, token: string, ids: SeededIds, scenario: Scenario, subject: Subject) {
  const from = subject.target === "api" ? await log.mark(servers.urls.api) : 0;
  const result = await runLoad(
    { ...request(servers, token, ids, scenario, subject), expectedStatus: scenario.expectedStatus },
    { connections: CONNECTIONS, seconds: SECONDS, minAnswers: quick ? CONNECTIONS : 2 * CONNECTIONS },
  );
  const unexpected = unexpectedStatuses(result, scenario.expectedStatus);
  if (unexpected) throw new Error(`${scenario.title}, ${subjectTitle(subject)}: expected ${scenario.expectedStatus} every time, got ${unexpected}`);
  if (subject.target !== "api") return { result, lines: [] };
  await sleep(SETTLE_MS);
  const to = await log.mark(servers.urls.api);
  return { result, lines: log.lines.slice(from, to).filter((line) => scenario.logged(line) && line.status === scenario.expectedStatus) };
}

function key(scenario: Scenario, { target, platformCalls }: Subject): string {
  return `${scenario.id}@${target}${platformCalls ? "+platform" : ""}`;
}

function request(servers: Servers, token: string, ids: SeededIds, scenario: Scenario, { target, platformCalls }: Subject) {
  const headers: Record<string, string> = scenario.body ? { "Content-Type": "application/json" } : {};
  if (target === "api") headers.Authorization = `Bearer ${token}`;
  const url = new URL(scenario.path(ids), servers.urls[target]);
  // The same twin process serves both modes; this asks it for the API's platform calls.
  if (platformCalls) url.searchParams.set("platform", "1");
  return { url: url.href, method: scenario.method, headers, body: scenario.body };
}

/** One request before the load: its status, its size and (twins) the D1 usage it reports. */
async function sample(servers: Servers, token: string, ids: SeededIds, scenario: Scenario, subject: Subject) {
  const { url, method, headers, body } = request(servers, token, ids, scenario, subject);
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  if (res.status !== scenario.expectedStatus) {
    throw new Error(`${scenario.title}, ${subjectTitle(subject)}: expected ${scenario.expectedStatus}, got ${res.status}: ${text.slice(0, 500)}`);
  }
  const d1 = subject.target === "api" ? null : ((JSON.parse(text) as { d1?: D1Usage }).d1 ?? null);
  return { bytes: Buffer.byteLength(text), d1 };
}

async function store(run: BenchRun): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${run.label}.json`), storedRunJson(run));
  console.log(`bench: stored bench/results/${run.label}.json`);
  await writeReport();
}

/** BENCHMARKS.md from every stored run (and the stored run of `npm run bench:shards`). */
async function writeReport(): Promise<void> {
  await writeFile(join(ROOT, "BENCHMARKS.md"), benchmarksMarkdown(readStoredRuns(RESULTS_DIR), readShardsRun(ROOT)));
  console.log("bench: rewrote BENCHMARKS.md");
}
