// `npm run bench:check`: per-request CPU of a process group, from two /proc readings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { cpuPerRequest, groupCpu } from "./process-cpu.ts";

test("divides each process's CPU between two readings by the answers, skipping idle ones", () => {
  const before = new Map([[1, { name: "node", ms: 100 }], [2, { name: "workerd", ms: 1_000 }], [3, { name: "esbuild", ms: 5 }]]);
  const after = new Map([[1, { name: "node", ms: 270 }], [2, { name: "workerd", ms: 1_480 }], [3, { name: "esbuild", ms: 5 }]]);
  assert.equal(cpuPerRequest(before, after, 100), "6.5 ms/request (node 1.7, workerd 4.8)");
});

test("reads this process's own group on Linux", { skip: process.platform !== "linux" }, () => {
  const pgid = Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[2]);
  assert.ok([...groupCpu(pgid).keys()].includes(process.pid));
});
