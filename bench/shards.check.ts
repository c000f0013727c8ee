// `npm run bench:check`: the ratios of `npm run bench:shards`, and docs/scaling.md's measured
// section being exactly what its stored run renders to.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "./processes.ts";
import { readShardsRun, replaceShardsSection, SHARD_SCENARIOS, SHARDS_FILES, SHARDS_MARKERS, shardRatio, shardsMarkdown, type ShardMeasurement, type ShardsRun } from "./shards-report.ts";

const measured = (scenario: string, deployment: ShardMeasurement["deployment"], p50Ms: number, d1: ShardMeasurement["d1"] = null): ShardMeasurement => ({
  scenario,
  deployment,
  requests: 100,
  requestsPerSecond: 20,
  p50Ms,
  p99Ms: 2 * p50Ms,
  d1,
});

function run(measurements: ShardMeasurement[]): ShardsRun {
  const machine = { cpus: 2, cpuModel: "cpu", memoryGiB: 4, loadAverage: 1, node: "v22", wrangler: "4", workerd: "1" };
  return { date: "2026-12-06", commit: "abc1234", machine, method: { connections: 16, seconds: 5, rounds: 2, groupsPerOrganization: 60 }, placements: { 81001: "DB" }, measurements };
}

test("a ratio is three shards over one database, of the same request; none when a side is missing", () => {
  const sample = run([measured("list-25", "one", 40), measured("list-25", "three", 50), measured("create-3", "three", 10)]);
  assert.equal(shardRatio(sample, "list-25", (m) => m.p50Ms), 1.25);
  assert.equal(shardRatio(sample, "list-25", (m) => m.p99Ms), 1.25);
  assert.equal(shardRatio(sample, "create-3", (m) => m.p50Ms), undefined);
});

test("each scenario is one row: p50 and p99 of both with their ratios, round trips and rows read; – where one is missing", () => {
  const sample = run([
    measured("list-25", "one", 40, { queries: 1, rows_read: 82, rows_written: 0 }),
    measured("list-25", "three", 50, { queries: 2, rows_read: 83.25, rows_written: 0 }),
  ]);
  const lines = shardsMarkdown(sample).split("\n");
  assert.equal(lines[0], SHARDS_MARKERS.begin);
  assert.equal(lines.at(-1), SHARDS_MARKERS.end);
  const row = (id: string) => lines.find((line) => line.startsWith(`| ${SHARD_SCENARIOS.find((s) => s.id === id)!.title} |`));
  assert.match(row("list-25")!, /\| 40 \/ 50 \| 1\.25 \| 80 \/ 100 \| 1\.25 \| 20 \/ 20 \| 1 \/ 2 \| 82 \/ 83\.3 \|$/);
  assert.match(row("create-3")!, /\| – \/ – \| – \| – \/ – \| – \| – \/ – \| – \/ – \| – \/ – \|$/);
});

test("the measured section is replaced between its markers, and only there", () => {
  const doc = `# Title\n\nBefore.\n\n${SHARDS_MARKERS.begin}\nold\n${SHARDS_MARKERS.end}\n\nAfter.\n`;
  assert.equal(replaceShardsSection(doc, `${SHARDS_MARKERS.begin}\nnew\n${SHARDS_MARKERS.end}`), `# Title\n\nBefore.\n\n${SHARDS_MARKERS.begin}\nnew\n${SHARDS_MARKERS.end}\n\nAfter.\n`);
  assert.throws(() => replaceShardsSection("# No markers\n", "x"), /no <!-- bench:shards begin -->/);
});

test("docs/scaling.md shows exactly what the stored run renders to (re-run `npm run bench:shards -- --write` to refresh both)", () => {
  const stored = readShardsRun(ROOT);
  assert.ok(stored, `${SHARDS_FILES.run} is missing`);
  const doc = readFileSync(join(ROOT, SHARDS_FILES.doc), "utf8");
  const section = doc.slice(doc.indexOf(SHARDS_MARKERS.begin), doc.indexOf(SHARDS_MARKERS.end) + SHARDS_MARKERS.end.length);
  assert.equal(section, shardsMarkdown(stored));
  assert.deepEqual(new Set(stored.measurements.map((m) => `${m.scenario}@${m.deployment}`)).size, 2 * SHARD_SCENARIOS.length, "every scenario on both");
});
