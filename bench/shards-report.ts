// What `npm run bench:shards` measures and stores (bench/shards-run.json), and the markdown it
// renders into docs/scaling.md between its markers: the same requests against the API on one
// database and on three shards, in one run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { D1Usage } from "./twins/wire.ts";
import type { Machine } from "./machine.ts";

export const SHARDS_FILES = { doc: "docs/scaling.md", run: "bench/shards-run.json" } as const;

export const SHARDS_MARKERS = { begin: "<!-- bench:shards begin -->", end: "<!-- bench:shards end -->" };

/** The two APIs compared: `DB` alone, and `DB`, `DB_2`, `DB_3`. */
export type Deployment = "one" | "three";

export const DEPLOYMENT_TITLES: Record<Deployment, string> = { one: "one database", three: "three shards" };

export interface ShardScenario {
  id: string;
  title: string;
}

/** In run order. */
export const SHARD_SCENARIOS: ShardScenario[] = [
  { id: "create-3", title: "Create with 3 members (`POST /segment_groups`), 1 organization" },
  { id: "list-25", title: "`GET /segment_groups?limit=25`, a token of 1 organization" },
  { id: "list-25-three-organizations", title: "`GET /segment_groups?limit=25`, a token of 3 organizations (3 shards)" },
];

export interface ShardMeasurement {
  scenario: string;
  deployment: Deployment;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean per request over the API's request log lines of the kept round; null when it logged none. */
  d1: D1Usage | null;
}

export interface ShardsRun {
  date: string;
  commit: string;
  machine: Machine;
  method: { connections: number; seconds: number; rounds: number; groupsPerOrganization: number };
  /** Where the three-shard API placed each organization (from GET /admin/organizations/{id}). */
  placements: Record<string, string>;
  measurements: ShardMeasurement[];
}

/** Three shards over one database, for one scenario and one figure; undefined when either side is missing or zero. */
export function shardRatio(run: ShardsRun, scenario: string, pick: (m: ShardMeasurement) => number): number | undefined {
  const of = (deployment: Deployment) => run.measurements.find((m) => m.scenario === scenario && m.deployment === deployment);
  const [one, three] = [of("one"), of("three")];
  if (!one || !three || pick(one) === 0) return undefined;
  return pick(three) / pick(one);
}

/** The stored run under `root`, if `npm run bench:shards -- --write` has stored one. */
export function readShardsRun(root: string): ShardsRun | undefined {
  const file = join(root, SHARDS_FILES.run);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ShardsRun) : undefined;
}

/** docs/scaling.md's measured section: the table between its markers. */
export function shardsMarkdown(run: ShardsRun): string {
  return [SHARDS_MARKERS.begin, ...shardsTable(run), SHARDS_MARKERS.end].join("\n");
}

/** What was measured, in a paragraph and a table (also BENCHMARKS.md's section). */
export function shardsTable(run: ShardsRun): string[] {
  const { machine, method } = run;
  const of = (scenario: string, deployment: Deployment) => run.measurements.find((m) => m.scenario === scenario && m.deployment === deployment);
  const both = (scenario: string, cell: (m: ShardMeasurement) => string) => (["one", "three"] as const).map((d) => { const m = of(scenario, d); return m ? cell(m) : "–"; }).join(" / ");
  const ratio = (scenario: string, pick: (m: ShardMeasurement) => number) => shardRatio(run, scenario, pick)?.toFixed(2) ?? "–";
  const usage = (pick: (d1: D1Usage) => number) => (m: ShardMeasurement) => (m.d1 ? round(pick(m.d1)) : "n/a");
  const placements = Object.entries(run.placements).map(([organization, shard]) => `${organization} on \`${shard}\``).join(", ");
  return [
    `Measured ${run.date} at ${run.commit} on ${machine.cpus} CPU(s) (${machine.cpuModel}, shared with other work; load average ${machine.loadAverage} at the start), wrangler ${machine.wrangler}, workerd ${machine.workerd}. Both APIs ran at once, each under its own \`wrangler dev\`, and took turns: ${method.connections} connections for ${method.seconds} s per request and API, ${method.rounds} rounds (the round with the higher req/s is kept). Each organization holds ${method.groupsPerOrganization} groups of 3 members before the load; on three shards ${placements}. Rows read and round trips are the means of the API's request log lines over the kept round.`,
    "",
    "| request | p50 (ms): one database / three shards | p50 three / one | p99 (ms): one / three | p99 three / one | req/s: one / three | D1 round trips: one / three | rows read: one / three |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...SHARD_SCENARIOS.map((s) =>
      [
        s.title,
        both(s.id, (m) => String(m.p50Ms)),
        ratio(s.id, (m) => m.p50Ms),
        both(s.id, (m) => String(m.p99Ms)),
        ratio(s.id, (m) => m.p99Ms),
        both(s.id, (m) => m.requestsPerSecond.toFixed(0)),
        both(s.id, usage((d1) => d1.queries)),
        both(s.id, usage((d1) => d1.rows_read)),
      ].join(" | "),
    ).map((line) => `| ${line} |`),
  ];
}

/** `doc` with the text between the markers replaced by `section` (markers included in it). */
export function replaceShardsSection(doc: string, section: string): string {
  const begin = doc.indexOf(SHARDS_MARKERS.begin);
  const end = doc.indexOf(SHARDS_MARKERS.end);
  if (begin === -1 || end < begin) throw new Error(`bench:shards: the document has no ${SHARDS_MARKERS.begin} … ${SHARDS_MARKERS.end} section`);
  return doc.slice(0, begin) + section + doc.slice(end + SHARDS_MARKERS.end.length);
}

function round(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: 1 });
}
