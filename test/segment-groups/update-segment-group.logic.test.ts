import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { member, ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup, readGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

async function patch(id: string, json: unknown) {
  return call("PATCH", `/segment_groups/${id}`, { token: await tokenFor([ORG]), json });
}

const withExclusion = {
  segment_subgroup: [
    { segment_operator: "AND", exclude: false, segment_members: [member(101), member(201, "3P")] },
    { segment_operator: "OR", exclude: true, segment_members: [member(301, "3P")] },
  ],
};

describe("PATCH /segment_groups/{id} — group logic", () => {
  it("changes subgroup_operator alone, keeping the subgroups, with a new expression and ETag", async () => {
    const created = await createGroup(withExclusion);
    const res = await patch(created.body.data.id, { subgroup_operator: "OR" });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toEqual({
      ...created.body.data,
      subgroup_operator: "OR",
      expression: "(CONTEXTUAL:101 AND 3P:201) OR NOT (3P:301)",
      updated_at: res.body.data.updated_at,
    });
    expect(res.headers.get("ETag")).not.toBe(created.headers.get("ETag"));
    expect((await readGroup(created.body.data.id)).body.data).toEqual(res.body.data);
  });

  it("replaces segment_subgroup whole: a subgroup sent without exclude is included again; subgroup_operator stays", async () => {
    const created = await createGroup({ ...withExclusion, subgroup_operator: "OR" });
    const res = await patch(created.body.data.id, { segment_subgroup: [{ segment_operator: "OR", segment_members: [member(301, "3P")] }] });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toMatchObject({
      subgroup_operator: "OR",
      segment_subgroup: [{ segment_operator: "OR", exclude: false, segment_members: [member(301, "3P")] }],
      expression: "(3P:301)",
    });
  });

  it("400 only_exclusions with the body's other problems, before the group is looked up; nothing changes", async () => {
    const created = await createGroup();
    const before = await snapshotTables();
    const body = { name: " ", segment_subgroup: [{ segment_operator: "AND", exclude: true, segment_members: [member(101)] }] };
    for (const id of [created.body.data.id, "00000000-0000-7000-8000-000000000000"]) {
      const res = await patch(id, body);
      expect(res.status, describeResponse(res)).toBe(400);
      expect(errorsOf(res)).toEqual([
        { code: "blank", field: "name" },
        { code: "only_exclusions", field: "segment_subgroup" },
      ]);
    }
    expect(await snapshotTables()).toEqual(before);
  });

  it("400 for a subgroup_operator outside AND and OR", async () => {
    const created = await createGroup();
    const res = await patch(created.body.data.id, { subgroup_operator: "and" });
    expect(errorsOf(res), describeResponse(res)).toEqual([{ code: "invalid_value", field: "subgroup_operator" }]);
  });
});
