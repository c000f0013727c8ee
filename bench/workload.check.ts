// `npm run bench:check`: `--only` picks scenarios by id, in run order, and refuses unknown ids;
// each twin runs plain, then paying the API's platform calls.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SCENARIOS, selectScenarios, subjectsOf, subjectTitle } from "./workload.ts";

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

test("a create runs the API, then each twin plain and then paying the platform calls; the API alone runs once", () => {
  const [create3] = selectScenarios("create-3");
  assert.deepEqual(subjectsOf(create3!).map(subjectTitle), [
    "API",
    "own-SQL twin",
    "own-SQL twin + platform calls",
    "minimal twin",
    "minimal twin + platform calls",
  ]);
  assert.deepEqual(subjectsOf(selectScenarios("get-1000")[0]!), [{ target: "api", platformCalls: false }]);
});
