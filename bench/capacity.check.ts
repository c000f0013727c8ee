// `npm run bench:check`: the arithmetic of `npm run bench:capacity`, and docs/scaling.md's
// measured section being exactly what its stored run renders to.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bytesPerGroup, bytesPerMember, bytesPerRow, groupsPerShard, shardsForBytes, shardsForWrites, unitCost, type Snapshot } from "./capacity-model.ts";
import { CAPACITY_FILES, capacityMarkdown, MARKERS, replaceMeasuredSection, type CapacityRun } from "./capacity-report.ts";
import { ROOT } from "./processes.ts";

const snapshot = (groups: number, members: number, fileBytes: number): Snapshot => ({
  tables: { sqlite_schema: { table: 4096, indexes: 0 }, segment_groups: { table: 500 * groups, indexes: 100 * groups }, segment_group_members: { table: 30 * members, indexes: 0 } },
  fileBytes,
  rows: { segment_groups: groups, segment_group_members: members },
});

test("a unit's cost is the difference between two snapshots over the units added, never one snapshot over its units", () => {
  const cost = unitCost(snapshot(10, 30, 100_000), snapshot(30, 90, 140_000), 20);
  assert.deepEqual(cost.tables, { segment_groups: { table: 500, indexes: 100 }, segment_group_members: { table: 90, indexes: 0 } });
  // The schema's page is in both snapshots, so no unit pays for it.
  assert.equal(cost.stored, 690);
  assert.equal(cost.file, 2_000);
  assert.deepEqual(cost.rows, { segment_groups: 1, segment_group_members: 3 });
  assert.equal(bytesPerRow(cost, "segment_group_members"), 30);
  assert.throws(() => bytesPerRow(cost, "segments"), /added no rows to segments/);
  assert.throws(() => unitCost(snapshot(1, 1, 1), snapshot(1, 1, 1), 0), /positive/);
});

test("a member costs what a large group adds over a small one, per extra member", () => {
  assert.equal(bytesPerMember({ members: 3, bytes: 1_500 }, { members: 1_003, bytes: 101_500 }), 100);
  assert.throws(() => bytesPerMember({ members: 3, bytes: 1 }, { members: 3, bytes: 2 }), /more members/);
});

test("a group with v versions is its create plus v - 1 further versions", () => {
  assert.equal(bytesPerGroup(1_500, 900, 1), 1_500);
  assert.equal(bytesPerGroup(1_500, 900, 10), 1_500 + 9 * 900);
  assert.throws(() => bytesPerGroup(1_500, 900, 0), /at least 1 version/);
});

test("shards: whole groups per shard, whole shards for bytes at the planned fill and for writes", () => {
  assert.equal(groupsPerShard(3_000, 10_000), 3);
  assert.equal(groupsPerShard(9_626), 1_038_853);
  assert.equal(shardsForBytes(14_000_000_000, 0.7), 2);
  assert.equal(shardsForBytes(14_000_000_001, 0.7), 3);
  assert.equal(shardsForBytes(0, 0.7), 1);
  assert.equal(shardsForWrites(1_158, 78), 15);
  assert.equal(shardsForWrites(10, 78), 1);
});

test("the measured section is replaced between its markers, and only there", () => {
  const doc = `# Title\n\nBefore.\n\n${MARKERS.begin}\nold\n${MARKERS.end}\n\nAfter.\n`;
  assert.equal(replaceMeasuredSection(doc, `${MARKERS.begin}\nnew\n${MARKERS.end}`), `# Title\n\nBefore.\n\n${MARKERS.begin}\nnew\n${MARKERS.end}\n\nAfter.\n`);
  assert.throws(() => replaceMeasuredSection("# No markers\n", "x"), /no <!-- bench:capacity begin -->/);
});

test("docs/scaling.md shows exactly what its stored run renders to (re-run `npm run bench:capacity -- --write` to refresh both)", () => {
  const run = JSON.parse(readFileSync(join(ROOT, CAPACITY_FILES.run), "utf8")) as CapacityRun;
  const doc = readFileSync(join(ROOT, CAPACITY_FILES.doc), "utf8");
  const section = doc.slice(doc.indexOf(MARKERS.begin), doc.indexOf(MARKERS.end) + MARKERS.end.length);
  assert.equal(section, capacityMarkdown(run));
});
