// One bench run as stored in bench/results/<label>.json; BENCHMARKS.md is written from these.
import type { Machine } from "./machine.ts";
import type { Target } from "./servers.ts";
import type { D1Usage } from "./twins/wire.ts";

export interface Measurement {
  scenario: string;
  target: Target;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** D1 per request; null when the target does not report it (the API before its log has the fields). */
  d1: D1Usage | null;
  /** Body bytes of one answer. */
  responseBytes: number;
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
}

/** For each create: the API's req/s over each twin's. */
export function createRatios(run: BenchRun): Ratio[] {
  const rate = (scenario: string, target: Target) => run.measurements.find((m) => m.scenario === scenario && m.target === target)?.requestsPerSecond;
  const ratios: Ratio[] = [];
  for (const scenario of new Set(run.measurements.filter((m) => m.target !== "api").map((m) => m.scenario))) {
    const api = rate(scenario, "api");
    const ownSql = rate(scenario, "own-sql");
    const minimal = rate(scenario, "minimal");
    if (api !== undefined && ownSql && minimal) ratios.push({ scenario, apiToOwnSql: api / ownSql, apiToMinimal: api / minimal });
  }
  return ratios;
}
