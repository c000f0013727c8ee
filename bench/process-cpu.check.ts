// `npm run bench:check`: per-request CPU of a process group, from two /proc readings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { cpuPerRequest, describeCpu, groupCpu } from "./process-cpu.ts";

test("divides each process's CPU between two readings by the answers, in pid order, skipping idle ones", () => {
  const before = new Map([[7, { name: "workerd", ms: 1_000 }], [3, { name: "esbuild", ms: 5 }], [1, { name: "node", ms: 100 }]]);
  const after = new Map([[7, { name: "workerd", ms: 1_480 }], [3, { name: "esbuild", ms: 5 }], [1, { name: "node", ms: 270 }]]);
  const cpu = cpuPerRequest(before, after, 100)!;
  assert.deepEqual(cpu, { totalMs: 6.5, processes: [{ name: "node", ms: 1.7 }, { name: "workerd", ms: 4.8 }] });
  assert.equal(describeCpu(cpu), "6.5 ms/request (node 1.7, workerd 4.8)");
});

test("says nothing without readings or answers", () => {
  assert.equal(cpuPerRequest(new Map(), new Map(), 10), undefined);
  assert.equal(cpuPerRequest(new Map(), new Map([[1, { name: "node", ms: 5 }]]), 0), undefined);
});

test("reads this process's own group on Linux", { skip: process.platform !== "linux" }, () => {
  const pgid = Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[2]);
  assert.ok([...groupCpu(pgid).keys()].includes(process.pid));
});
