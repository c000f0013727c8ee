// CPU time of a Worker's whole `wrangler dev` process group (wrangler's Node, workerd, esbuild),
// read from /proc: what a load run costs outside the isolate too, which an in-isolate CPU
// profile cannot see (e.g. wrangler relaying each console line). Linux only; elsewhere, nothing.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the bench runs on

/** CPU milliseconds used so far per process of group `pgid`, by pid; empty without /proc. */
export function groupCpu(pgid: number): Map<number, { name: string; ms: number }> {
  const usage = new Map<number, { name: string; ms: number }>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return usage;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised name: state ppid pgrp ... utime (14th) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      usage.set(Number(pid), { name, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND });
    } catch {
      // Exited meanwhile.
    }
  }
  return usage;
}

/** CPU per answer of a server's processes (in pid order: wrangler's Node, then its workerds), and their sum. */
export interface ServerCpu {
  totalMs: number;
  processes: { name: string; ms: number }[];
}

/** Each process's CPU between two readings, per answer; undefined without /proc or answers. */
export function cpuPerRequest(before: ReturnType<typeof groupCpu>, after: ReturnType<typeof groupCpu>, requests: number): ServerCpu | undefined {
  if (after.size === 0 || requests === 0) return undefined;
  const processes: { name: string; ms: number }[] = [];
  for (const [pid, { name, ms }] of [...after].sort(([a], [b]) => a - b)) {
    const spent = (ms - (before.get(pid)?.ms ?? 0)) / requests;
    if (spent >= 0.05) processes.push({ name, ms: Math.round(spent * 100) / 100 });
  }
  return { totalMs: Math.round(processes.reduce((sum, p) => sum + p.ms, 0) * 100) / 100, processes };
}

/** "8.3 ms/request (node 1.7, workerd 1.9, workerd 4.8)"; `unit` goes after the sum. */
export function describeCpu(cpu: ServerCpu, unit = " ms/request"): string {
  return `${cpu.totalMs.toFixed(1)}${unit} (${cpu.processes.map((p) => `${p.name} ${p.ms.toFixed(1)}`).join(", ")})`;
}
