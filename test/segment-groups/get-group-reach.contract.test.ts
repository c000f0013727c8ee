import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOAD_MEMBER_SKETCHES } from "../../src/db/sketches/load";
import { call, describeResponse, errorsOf, type ApiResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { callWithUsage } from "../helpers/d1-usage";
import { ORG, OTHER_ORG } from "../helpers/fixtures";
import { putSketch, seedVectorCatalog, vectorSegmentId } from "../helpers/sketches";
import { tokenFor } from "../helpers/tokens";
import { type ExpectedSummary, manifest, type PlanVector, relativeDifference, sketchBytes } from "../sketch/theta-fixtures";

// The vectors' segments as a catalog with their sketches (test/helpers/sketches.ts), and groups
// of ORG over them: every answer is compared with DataSketches' own results for the plan.
beforeAll(seedVectorCatalog);
beforeEach(async () => {
  // Each test starts from the vectors' sketches as uploaded.
  const res = await putSketch("/reach/universe", sketchBytes("universe"), { token: await tokenFor([ORG]) });
  expect(res.status).toBeLessThan(300);
});

/** A plan's logic, members named by vector. */
type PlanLogic = { subgroup_operator: PlanVector["subgroup_operator"]; segment_subgroup: Omit<PlanVector["segment_subgroup"][number], "expected">[] };

const groupBody = (plan: PlanLogic) => ({
  name: "Reach",
  type: "AUDIENCE",
  organization_id: ORG,
  status: true,
  subgroup_operator: plan.subgroup_operator,
  segment_subgroup: plan.segment_subgroup.map((subgroup) => ({
    segment_operator: subgroup.segment_operator,
    exclude: subgroup.exclude,
    segment_members: subgroup.members.map((name) => ({ segment_id: vectorSegmentId(name), segment_type: "3P" })),
  })),
});

async function createGroupOf(plan: PlanLogic): Promise<string> {
  const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: groupBody(plan) });
  expect(res.status, describeResponse(res)).toBe(201);
  return res.body.data.id;
}

const reachOf = async (id: string, token?: string) => call("GET", `/segment_groups/${id}/reach`, { token: token ?? (await tokenFor([ORG])) });

function expectDataSketchesFigures(actual: { estimate: number; lower_bound: number; upper_bound: number }, expected: ExpectedSummary, label: string) {
  for (const key of ["estimate", "lower_bound", "upper_bound"] as const) {
    expect(relativeDifference(actual[key], expected[key]), `${label}: ${key} ${actual[key]} against ${expected[key]}`).toBeLessThanOrEqual(1e-9);
  }
}

describe("GET /segment_groups/{id}/reach", () => {
  it.each(manifest.plans.map((plan) => [plan.name, plan] as const))("%s: the group and every subgroup as DataSketches computes the plan", async (_, plan) => {
    const res = await reachOf(await createGroupOf(plan));
    expect(res.status, describeResponse(res)).toBe(200);
    expectDataSketchesFigures(res.body.data, plan.expected, "group");
    expect(res.body.data.segment_subgroup).toHaveLength(plan.segment_subgroup.length);
    plan.segment_subgroup.forEach((subgroup, i) => {
      expectDataSketchesFigures(res.body.data.segment_subgroup[i], subgroup.expected, `subgroup ${i}`);
    });
  });

  it("says when the sketches it used were last updated: the newest member's, the universe's only when the plan used it", async () => {
    const plan = manifest.plans.find((p) => p.name === "and_with_exclusion")!;
    const id = await createGroupOf(plan);
    const luxury = await putSketch(`/segments/3P/${vectorSegmentId("luxury")}/sketch`, sketchBytes("luxury"), { token: await tokenFor([ORG]) });
    await putSketch("/reach/universe", sketchBytes("universe"), { token: await tokenFor([ORG]) });
    const res = await reachOf(id);
    expect(res.body.data.sketches_updated_at, describeResponse(res)).toBe(luxury.body.data.updated_at);

    const orPlan = manifest.plans.find((p) => p.name === "or_with_exclusion")!;
    const universe = await putSketch("/reach/universe", sketchBytes("universe"), { token: await tokenFor([ORG]) });
    const orReach = await reachOf(await createGroupOf(orPlan));
    expect(orReach.body.data.sketches_updated_at, describeResponse(orReach)).toBe(universe.body.data.updated_at);
  });

  it("422 sketch_missing for each member without a sketch, at its place, with universe_required in the same answer", async () => {
    const plan = {
      subgroup_operator: "OR" as const,
      segment_subgroup: [
        { segment_operator: "OR" as const, exclude: false, members: ["sports", "travel"] },
        { segment_operator: "AND" as const, exclude: true, members: ["news", "gaming"] },
      ],
    };
    const id = await createGroupOf(plan);
    for (const name of ["travel", "gaming"]) {
      const res = await call("DELETE", `/segments/3P/${vectorSegmentId(name)}/sketch`, { token: await tokenFor([ORG]) });
      expect(res.status, describeResponse(res)).toBe(204);
    }
    expect((await call("DELETE", "/reach/universe", { token: await tokenFor([ORG]) })).status).toBe(204);
    const res = await reachOf(id);
    expect(res.status, describeResponse(res)).toBe(422);
    expect(errorsOf(res)).toEqual([
      { code: "sketch_missing", field: "segment_subgroup[0].segment_members[1]" },
      { code: "sketch_missing", field: "segment_subgroup[1].segment_members[1]" },
      { code: "universe_required" },
    ]);
    for (const name of ["travel", "gaming"]) await putSketch(`/segments/3P/${vectorSegmentId(name)}/sketch`, sketchBytes(name), { token: await tokenFor([ORG]) });
  });

  it("422 universe_required for an OR group that excludes, when no universe is stored; an AND group does without", async () => {
    expect((await call("DELETE", "/reach/universe", { token: await tokenFor([ORG]) })).status).toBe(204);
    const or = await reachOf(await createGroupOf(manifest.plans.find((p) => p.name === "or_with_exclusion")!));
    expect(or.status, describeResponse(or)).toBe(422);
    expect(errorsOf(or)).toEqual([{ code: "universe_required" }]);
    const and = await reachOf(await createGroupOf(manifest.plans.find((p) => p.name === "and_with_exclusion")!));
    expect(and.status, describeResponse(and)).toBe(200);
  });

  it("404 segment_group_not_found for another organization's group, as for an absent one", async () => {
    const id = await createGroupOf(manifest.plans[0]!);
    const foreign = await reachOf(id, await tokenFor([OTHER_ORG]));
    const absent = await reachOf("00000000-0000-7000-8000-000000000000");
    for (const res of [foreign, absent]) expect(errorsOf(res)).toEqual([{ code: "segment_group_not_found" }]);
  });
});

describe("GET /segment_groups/{id}/reach — the cache", () => {
  const plan = manifest.plans.find((p) => p.name === "and_with_exclusion")!;

  async function countedReach(id: string) {
    const { db, calls } = countingD1(env.DB);
    const res = await call("GET", `/segment_groups/${id}/reach`, { token: await tokenFor([ORG]), env: { DB: db } });
    expect(res.status, describeResponse(res)).toBe(200);
    return { res, loads: calls.flatMap((c) => c.sql).filter((sql) => sql === LOAD_MEMBER_SKETCHES).length, roundTrips: calls.length };
  }

  it("a repeated GET reads no sketch: one round trip, the same answer", async () => {
    const id = await createGroupOf(plan);
    const first = await countedReach(id);
    expect(first.loads).toBeGreaterThan(0);
    const again = await countedReach(id);
    expect(again.loads).toBe(0);
    expect(again.roundTrips).toBe(1);
    expect(again.res.body.data).toEqual(first.res.body.data);
    const { usage } = await callWithUsage("GET", `/segment_groups/${id}/reach`, { token: await tokenFor([ORG]) });
    expect(usage.d1_rows_written).toBe(0);
  });

  it("a new sketch of a member, its deletion, or a new universe makes the next GET compute again", async () => {
    const id = await createGroupOf(plan);
    await countedReach(id);
    const token = await tokenFor([ORG]);
    // The same bytes again: a new version all the same.
    await putSketch(`/segments/3P/${vectorSegmentId("news")}/sketch`, sketchBytes("news"), { token });
    expect((await countedReach(id)).loads).toBeGreaterThan(0);
    expect((await countedReach(id)).loads).toBe(0);
    await putSketch("/reach/universe", sketchBytes("universe"), { token });
    expect((await countedReach(id)).loads).toBeGreaterThan(0);
    // A sketch deleted: the cached answer must not hide the missing member.
    await call("DELETE", `/segments/3P/${vectorSegmentId("luxury")}/sketch`, { token });
    const missing = await call("GET", `/segment_groups/${id}/reach`, { token });
    expect(errorsOf(missing)).toEqual([{ code: "sketch_missing", field: "segment_subgroup[2].segment_members[0]" }]);
    await putSketch(`/segments/3P/${vectorSegmentId("luxury")}/sketch`, sketchBytes("luxury"), { token });
    expect((await countedReach(id)).loads).toBeGreaterThan(0);
  });

  it("a sketch of a segment the group does not use leaves the cache valid", async () => {
    const id = await createGroupOf(plan);
    await countedReach(id);
    await putSketch(`/segments/3P/${vectorSegmentId("music")}/sketch`, sketchBytes("music"), { token: await tokenFor([ORG]) });
    expect((await countedReach(id)).loads).toBe(0);
  });

  it("a PATCH of the group (a new version) makes the next GET compute again, with the new logic", async () => {
    const id = await createGroupOf(plan);
    const before = await countedReach(id);
    const token = await tokenFor([ORG]);
    const read = await call("GET", `/segment_groups/${id}`, { token });
    const other = manifest.plans.find((p) => p.name === "union_rebuild")!;
    const patched = await call("PATCH", `/segment_groups/${id}`, {
      token,
      json: { subgroup_operator: other.subgroup_operator, segment_subgroup: groupBody(other).segment_subgroup },
      headers: { "If-Match": read.headers.get("ETag")! },
    });
    expect(patched.status, describeResponse(patched)).toBe(200);
    const after = await countedReach(id);
    expect(after.loads).toBeGreaterThan(0);
    expect(after.res.body.data).not.toEqual(before.res.body.data);
    expectDataSketchesFigures(after.res.body.data, other.expected, "patched group");
  });

  it("goes with its group", async () => {
    const id = await createGroupOf(plan);
    await countedReach(id);
    const read = await call("GET", `/segment_groups/${id}`, { token: await tokenFor([ORG]) });
    const res: ApiResponse = await call("DELETE", `/segment_groups/${id}`, { token: await tokenFor([ORG]), headers: { "If-Match": read.headers.get("ETag")! } });
    expect(res.status, describeResponse(res)).toBe(204);
    const row = await env.DB.prepare("SELECT count(*) AS n FROM group_reach_cache WHERE group_id = ?1").bind(id).first<{ n: number }>();
    expect(row!.n).toBe(0);
  });
});
