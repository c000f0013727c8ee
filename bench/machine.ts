// The machine and toolchain a run was measured on, for the report.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { ROOT } from "./processes.ts";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  /** The 1-minute load average when the run began: other work on a shared machine skews timings. */
  loadAverage: number;
  node: string;
  wrangler: string;
  workerd: string;
}

export function describeMachine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    node: process.version,
    wrangler: packageVersion("wrangler", ROOT),
    // The workerd that wrangler dev runs: miniflare's, as resolved from wrangler.
    workerd: packageVersion("workerd", createRequire(`${ROOT}/package.json`).resolve("wrangler/package.json")),
  };
}

function packageVersion(name: string, from: string): string {
  try {
    return (createRequire(from.endsWith(".json") ? from : `${from}/package.json`)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The commit measured, with "+changes" when the work tree differs from it. */
export function describeCommit(): string {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  try {
    const commit = git("rev-parse", "--short", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") ? `${commit}+changes` : commit;
  } catch {
    return "unknown";
  }
}
