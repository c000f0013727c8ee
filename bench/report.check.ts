// `npm run bench:check`: the ratios with the twins paying the API's platform calls, in the
// goals table right under the goal rows, and n/a for runs stored before that mode; the stored
// runs and BENCHMARKS.md agree.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "./processes.ts";
import { benchmarksMarkdown } from "./report.ts";
import { createRatios, readStoredRuns, storedRunJson, type BenchRun, type Measurement } from "./results.ts";
import { readShardsRun } from "./shards-report.ts";
import type { Target } from "./servers.ts";

function measurement(scenario: string, target: Target, requestsPerSecond: number, platformCalls?: boolean): Measurement {
  return { scenario, target, platformCalls, requests: 100, requestsPerSecond, p50Ms: 10, p99Ms: 20, d1: null, responseBytes: 100 };
}

function run(label: string, withPlatformCalls: boolean): BenchRun {
  const measurements = ["create-3", "create-1000"].flatMap((scenario) => [
    measurement(scenario, "api", 50),
    measurement(scenario, "own-sql", 100),
    measurement(scenario, "minimal", 200),
    ...(withPlatformCalls ? [measurement(scenario, "own-sql", 80, true), measurement(scenario, "minimal", 125, true)] : []),
  ]);
  const machine = { cpus: 2, cpuModel: "cpu", memoryGiB: 4, loadAverage: 1, node: "v22", wrangler: "4", workerd: "1" };
  return { label, note: "", date: "2026-11-27 12:00 UTC", commit: "abc1234", machine, method: { connections: 16, seconds: 5, rounds: 2 }, measurements };
}

test("the platform ratios come from the twins' platform runs, not their plain ones", () => {
  const [create3] = createRatios(run("new", true));
  assert.deepEqual(create3, {
    scenario: "create-3",
    apiToOwnSql: 0.5,
    apiToMinimal: 0.25,
    apiToOwnSqlWithPlatformCalls: 0.625,
    apiToMinimalWithPlatformCalls: 0.4,
  });
  assert.equal(createRatios(run("old", false))[0]!.apiToOwnSqlWithPlatformCalls, undefined);
});

test("the goals table has them right under the literal goal rows, apart from the goals, n/a for older runs", () => {
  const lines = benchmarksMarkdown([run("old", false), run("new", true)]).split("\n");
  const under = (goal: string) => lines[lines.findIndex((line) => line.startsWith(`| ${goal} |`)) + 1];
  assert.match(under("1,000-member create, API / minimal twin (goal ≥ 0.5)")!, /^\| ↳ the same, both paying the platform calls \(what the API.*\| n\/a \| 0\.40 \|$/);
  assert.match(under("3-member create, API / own-SQL twin (goal ≥ 0.9)")!, /^\| ↳ the same, both paying the platform calls \(what the API.*\| n\/a \| 0\.63 \|$/);
});

test("each measurement's server CPU per request: the sum, then each process; n/a for runs stored without it", () => {
  const measured = run("new", true);
  for (const m of measured.measurements) m.serverCpu = { totalMs: 6.5, processes: [{ name: "node", ms: 1.7 }, { name: "workerd", ms: 4.8 }] };
  const lines = benchmarksMarkdown([run("old", false), measured]).split("\n");
  const cpuRows = lines.filter((line) => line.startsWith("| API: server CPU per request"));
  assert.ok(cpuRows.length >= 2);
  for (const line of cpuRows) assert.match(line, /\| n\/a \| 6\.5 \(node 1\.7, workerd 4\.8\) \|$/);
});

test("BENCHMARKS.md is the report of the stored runs, and each run is stored as the bench writes it", () => {
  const dir = join(ROOT, "bench/results");
  const runs = readStoredRuns(dir);
  assert.ok(runs.length > 0, "bench/results/ holds no run");
  for (const run of runs) {
    assert.equal(readFileSync(join(dir, `${run.label}.json`), "utf8"), storedRunJson(run), `bench/results/${run.label}.json: rewrite it with storedRunJson`);
  }
  assert.equal(readdirSync(dir).length, runs.length, "bench/results/ holds only <label>.json runs");
  assert.equal(readFileSync(join(ROOT, "BENCHMARKS.md"), "utf8"), benchmarksMarkdown(runs, readShardsRun(ROOT)), "BENCHMARKS.md is stale: npm run bench -- --report");
});

test("a stored run reads back as the run", () => {
  const measured = run("new", true);
  assert.deepEqual(JSON.parse(storedRunJson(measured)), JSON.parse(JSON.stringify(measured)));
});
