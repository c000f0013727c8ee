import assert from "node:assert/strict";
import { test } from "node:test";
import { moveUntilDone, type MoveAnswer } from "./shards-move.ts";

test("shards:move calls each step after the Retry-After of the last, until done", async () => {
  const answers: MoveAnswer[] = [
    { status: 202, retryAfterSeconds: 60, body: { data: { phase: "draining" } } },
    { status: 202, retryAfterSeconds: 12, body: { data: { phase: "draining" } } },
    { status: 202, retryAfterSeconds: 60, body: { data: { phase: "cleaning", copied: { segment_groups: 3 } } } },
    { status: 200, retryAfterSeconds: 0, body: { data: { phase: "done", shard: "DB_2" } } },
  ];
  const slept: number[] = [];
  const lines: string[] = [];
  const done = await moveUntilDone(async () => answers.shift()!, async (ms) => void slept.push(ms), (line) => lines.push(line));
  assert.equal(done, true);
  assert.deepEqual(slept, [60_000, 12_000, 60_000]);
  assert.match(lines.at(-1)!, /done: it lives on DB_2/);
  assert.match(lines[2]!, /copied \{"segment_groups":3\}/);
});

test("shards:move stops at a refusal and says why", async () => {
  const lines: string[] = [];
  const done = await moveUntilDone(
    async () => ({ status: 409, retryAfterSeconds: 0, body: { errors: [{ code: "move_in_progress", message: "it is already moving to DB_3" }] } }),
    async () => {},
    (line) => lines.push(line),
  );
  assert.equal(done, false);
  assert.match(lines[0]!, /refused \(409\): move_in_progress: it is already moving to DB_3/);
});
