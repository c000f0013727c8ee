// One bench run as stored in bench/results/<label>.json; BENCHMARKS.md is written from these.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Machine } from "./machine.ts";
import type { ServerCpu } from "./process-cpu.ts";
import type { Target } from "./servers.ts";
import type { D1Usage } from "./twins/wire.ts";
import type { Subject } from "./workload.ts";

export interface Measurement {
  scenario: string;
  target: Target;
  /** A twin paying the API's platform calls (`?platform=1`); absent in runs from before that mode. */
  platformCalls?: boolean;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** D1 per request; null when the target does not report it (the API before its log has the fields). */
  d1: D1Usage | null;
  /** Body bytes of one answer. */
  responseBytes: number;
  /** CPU per answer of the server's processes in the kept round (wrangler's Node, its workerds); absent in older runs. */
  serverCpu?: ServerCpu;
}

export interface BenchRun {
  label: string;
  note: string;
  date: string;
  commit: string;
  machine: Machine;
  method: { connections: number; seconds: number; rounds: number };
  measurements: Measurement[];
}

export interface Ratio {
  scenario: string;
  apiToOwnSql: number;
  apiToMinimal: number;
  /** The same with the twin paying the API's platform calls too; undefined for runs without that mode. */
  apiToOwnSqlWithPlatformCalls: number | undefined;
  apiToMinimalWithPlatformCalls: number | undefined;
}

/** A run as stored: one line per measurement, so a stored run reads (and diffs) as a short table. */
export function storedRunJson(run: BenchRun): string {
  const { measurements, ...about } = run;
  const head = JSON.stringify(about, null, 2).replace(/\n\}$/, "");
  return `${head},\n  "measurements": [\n${measurements.map((m) => `    ${JSON.stringify(m)}`).join(",\n")}\n  ]\n}\n`;
}

/** Every run stored in `dir`, in the report's column order: "before" first, then by date. */
export function readStoredRuns(dir: string): BenchRun[] {
  const runs = readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(join(dir, file), "utf8")) as BenchRun);
  return runs.sort((a, b) => Number(b.label === "before") - Number(a.label === "before") || a.date.localeCompare(b.date));
}

/** The measurement of `subject` in `scenario`, if the run has one. */
export function measurementOf(run: BenchRun, scenario: string, subject: Subject): Measurement | undefined {
  return run.measurements.find((m) => m.scenario === scenario && m.target === subject.target && (m.platformCalls ?? false) === subject.platformCalls);
}

/** For each create: the API's req/s over each twin's, plain and with the twin paying the platform calls. */
export function createRatios(run: BenchRun): Ratio[] {
  const rate = (scenario: string, target: Target, platformCalls = false) => measurementOf(run, scenario, { target, platformCalls })?.requestsPerSecond;
  const ratios: Ratio[] = [];
  for (const scenario of new Set(run.measurements.filter((m) => m.target !== "api").map((m) => m.scenario))) {
    const api = rate(scenario, "api");
    const ownSql = rate(scenario, "own-sql");
    const minimal = rate(scenario, "minimal");
    const over = (twin: number | undefined) => (api !== undefined && twin ? api / twin : undefined);
    if (api !== undefined && ownSql && minimal) {
      ratios.push({
        scenario,
        apiToOwnSql: api / ownSql,
        apiToMinimal: api / minimal,
        apiToOwnSqlWithPlatformCalls: over(rate(scenario, "own-sql", true)),
        apiToMinimalWithPlatformCalls: over(rate(scenario, "minimal", true)),
      });
    }
  }
  return ratios;
}
