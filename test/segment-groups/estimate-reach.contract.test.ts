import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG } from "../helpers/fixtures";
import { putSketch, seedVectorCatalog, vectorSegmentId } from "../helpers/sketches";
import { tokenFor } from "../helpers/tokens";
import { manifest, relativeDifference, sketchBytes } from "../sketch/theta-fixtures";

beforeAll(seedVectorCatalog);

const bodyOf = (planName: string, overrides: Record<string, unknown> = {}) => {
  const plan = manifest.plans.find((p) => p.name === planName)!;
  return {
    name: "Draft",
    type: "AUDIENCE",
    organization_id: ORG,
    status: true,
    subgroup_operator: plan.subgroup_operator,
    segment_subgroup: plan.segment_subgroup.map((s) => ({
      segment_operator: s.segment_operator,
      exclude: s.exclude,
      segment_members: s.members.map((name) => ({ segment_id: vectorSegmentId(name), segment_type: "3P" })),
    })),
    ...overrides,
  };
};

const estimate = async (json: unknown, token?: string) => call("POST", "/segment_groups/reach", { token: token ?? (await tokenFor([ORG])), json });

describe("POST /segment_groups/reach", () => {
  it.each(manifest.plans.map((plan) => [plan.name, plan] as const))("%s: DataSketches' figures, writing nothing", async (name, plan) => {
    const before = await snapshotTables();
    const res = await estimate(bodyOf(name));
    expect(res.status, describeResponse(res)).toBe(200);
    expect(await snapshotTables()).toEqual(before);
    for (const key of ["estimate", "lower_bound", "upper_bound"] as const) {
      expect(relativeDifference(res.body.data[key], plan.expected[key]), key).toBeLessThanOrEqual(1e-9);
      plan.segment_subgroup.forEach((subgroup, i) => {
        expect(relativeDifference(res.body.data.segment_subgroup[i][key], subgroup.expected[key]), `subgroup ${i} ${key}`).toBeLessThanOrEqual(1e-9);
      });
    }
  });

  it("answers what GET /segment_groups/{id}/reach answers once the group is stored", async () => {
    const draft = await estimate(bodyOf("or_everything"));
    const created = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: bodyOf("or_everything") });
    const stored = await call("GET", `/segment_groups/${created.body.data.id}/reach`, { token: await tokenFor([ORG]) });
    expect(stored.body.data, describeResponse(stored)).toEqual(draft.body.data);
  });

  it("checks the body as the create's dry run does: every problem at once, then segment_not_found per member", async () => {
    const body = bodyOf("and_with_exclusion", { name: "  " });
    (body.segment_subgroup[0]!.segment_members as unknown[]).push({ segment_id: vectorSegmentId("sports"), segment_type: "3P" });
    const invalid = await estimate(body);
    const dryRun = await call("POST", "/segment_groups?dry_run=true", { token: await tokenFor([ORG]), json: body });
    expect(invalid.status, describeResponse(invalid)).toBe(400);
    expect(errorsOf(invalid)).toEqual(errorsOf(dryRun));

    const unknown = bodyOf("and_with_exclusion");
    unknown.segment_subgroup[1]!.segment_members.push({ segment_id: 999_999, segment_type: "3P" });
    const missing = await estimate(unknown);
    expect(missing.status, describeResponse(missing)).toBe(404);
    expect(errorsOf(missing)).toEqual([{ code: "segment_not_found", field: "segment_subgroup[1].segment_members[2].segment_id" }]);
    expect(errorsOf(missing)).toEqual(errorsOf(await call("POST", "/segment_groups?dry_run=true", { token: await tokenFor([ORG]), json: unknown })));
  });

  it("403 organization_forbidden for an organization the token lacks; 422 sketch_missing per member without a sketch", async () => {
    const foreign = await estimate(bodyOf("and_with_exclusion"), await tokenFor([OTHER_ORG]));
    expect(errorsOf(foreign)).toEqual([{ code: "organization_forbidden", field: "organization_id" }]);

    await call("DELETE", `/segments/3P/${vectorSegmentId("gaming")}/sketch`, { token: await tokenFor([ORG]) });
    const res = await estimate(bodyOf("and_with_exclusion"));
    expect(res.status, describeResponse(res)).toBe(422);
    expect(errorsOf(res)).toEqual([{ code: "sketch_missing", field: "segment_subgroup[1].segment_members[1]" }]);
    await putSketch(`/segments/3P/${vectorSegmentId("gaming")}/sketch`, sketchBytes("gaming"), { token: await tokenFor([ORG]) });
  });
});
