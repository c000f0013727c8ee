// `npm run bench:evaluate`: CPU time of POST /segment_groups/{id}/evaluate's work in the Worker
// for a 5,000-member group against 10,000 user segments, without the network or D1 (the one
// read is the group's row): validating the body (zod), parsing the stored document, building
// the Set and evaluating. Pure computation in plain Node (V8, as in workerd), timed as this
// process's CPU time, which is what the Workers CPU limit counts (10 ms a request on the Free
// plan, 30 s by default on Paid). On a busy machine the figures run high.
import { importWorkerSource } from "../scripts/worker-sources.ts";

type Segment = { segment_type: "CONTEXTUAL" | "3P"; segment_id: number };
type Evaluate = {
  evaluateGroup(group: { subgroup_operator: "AND" | "OR"; segment_subgroup: unknown[] }, user: unknown): { subgroups: unknown[] };
  indexUserSegments(segments: Segment[]): unknown;
};
type Schemas = { evaluateSegmentGroupSchema: { parse(input: unknown): { segments: Segment[] } } };
const { evaluateGroup, indexUserSegments } = (await importWorkerSource("logic/evaluate")) as Evaluate;
const { evaluateSegmentGroupSchema } = (await importWorkerSource("routes/segment-groups/evaluate-schemas")) as Schemas;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const MEMBERS = 5_000;
const USER_SEGMENTS = 10_000;

const contextual = (i: number): Segment => ({ segment_type: "CONTEXTUAL", segment_id: 100_000 + i });
const thirdParty = (i: number): Segment => ({ segment_type: "3P", segment_id: 100_000 + i });

// The stored document: 5 subgroups of 1,000 members; AND subgroups, the last one excluded.
const document = JSON.stringify(
  Array.from({ length: 5 }, (_, s) => ({
    segment_operator: s % 2 === 0 ? "AND" : "OR",
    exclude: s === 4,
    segment_members: Array.from({ length: MEMBERS / 5 }, (_, i) => contextual(s * 1000 + i)),
  })),
);
// The user holds every member but a few, plus thousands of unrelated segments: AND subgroups
// are walked to their end (the slowest case for them).
const body = JSON.stringify({
  segments: [...Array.from({ length: MEMBERS - 1 }, (_, i) => contextual(i)), ...Array.from({ length: USER_SEGMENTS - MEMBERS + 1 }, (_, i) => thirdParty(i))],
});

// CPU time (user + system) of this process in milliseconds.
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function once() {
  const started = cpuNow();
  const { segments } = evaluateSegmentGroupSchema.parse(JSON.parse(body));
  const validated = cpuNow();
  const group = { subgroup_operator: "AND" as const, segment_subgroup: JSON.parse(document) };
  const result = evaluateGroup(group, indexUserSegments(segments));
  const done = cpuNow();
  if (result.subgroups.length !== 5) throw new Error("bench:evaluate: unexpected result");
  return { total: done - started, validation: validated - started, evaluation: done - validated };
}

for (let i = 0; i < 20; i++) once();
const samples = Array.from({ length: ROUNDS }, once);
const stat = (key: "total" | "validation" | "evaluation", p: number) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
};
console.log(`evaluate: ${MEMBERS} members × ${USER_SEGMENTS} user segments, CPU time, ${ROUNDS} rounds after 20 warm-up (Node ${process.version}):`);
for (const key of ["evaluation", "validation", "total"] as const) {
  const label = { evaluation: "document parse + Set + evaluate", validation: "body JSON.parse + zod validation", total: "total" }[key];
  console.log(`  ${label.padEnd(34)} p50 ${stat(key, 0.5).padStart(6)} ms   p95 ${stat(key, 0.95).padStart(6)} ms`);
}
