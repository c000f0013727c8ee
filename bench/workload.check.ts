// `npm run bench:check`: `--only` picks scenarios by id, in run order, and refuses unknown ids.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SCENARIOS, selectScenarios } from "./workload.ts";

test("without --only every scenario runs", () => {
  assert.deepEqual(selectScenarios(undefined), SCENARIOS);
});

test("--only keeps the named scenarios in run order", () => {
  const picked = selectScenarios("create-3, get-1000").map((s) => s.id);
  assert.deepEqual(picked, ["get-1000", "create-3"]);
});

test("--only with an unknown or empty id is an error naming the known ids", () => {
  assert.throws(() => selectScenarios("create-three"), /create-3.*create-three/);
  assert.throws(() => selectScenarios(","), /--only takes scenario ids/);
});
