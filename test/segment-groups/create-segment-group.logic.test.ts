import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { member, ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createGroup, readGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

const post = async (json: unknown, organizations = [ORG]) => call("POST", "/segment_groups", { token: await tokenFor(organizations), json });

/** docs/api.md "Group logic", example 1: runners, minus the organization's loyalty members. */
const runnersNotLoyal = {
  subgroup_operator: "AND",
  segment_subgroup: [
    { segment_operator: "AND", exclude: false, segment_members: [member(101, "CONTEXTUAL"), member(201, "3P")] },
    { segment_operator: "OR", exclude: true, segment_members: [member(301, "3P")] },
  ],
};

describe("POST /segment_groups — group logic", () => {
  it("states subgroup_operator AND and exclude false when the request leaves them out, in the 201, GET and the list", async () => {
    const created = await createGroup();
    const logic = {
      subgroup_operator: "AND",
      segment_subgroup: validGroup().segment_subgroup.map((s) => ({ segment_operator: s.segment_operator, exclude: false, segment_members: s.segment_members })),
      expression: "(CONTEXTUAL:101 AND 3P:201) AND (3P:301)",
    };
    expect(created.body.data).toMatchObject(logic);
    expect((await readGroup(created.body.data.id)).body.data).toMatchObject(logic);
    const listed = await call("GET", "/segment_groups", { token: await tokenFor([ORG]) });
    expect(listed.body.data[0], describeResponse(listed)).toMatchObject({ id: created.body.data.id, ...logic });
  });

  it("stores subgroup_operator and each exclude as sent; the document keeps exclude in every subgroup", async () => {
    const created = await createGroup({ ...runnersNotLoyal, subgroup_operator: "OR" });
    const { data } = created.body;
    expect(data).toMatchObject({ ...runnersNotLoyal, subgroup_operator: "OR", expression: "(CONTEXTUAL:101 AND 3P:201) OR NOT (3P:301)" });
    expect((await readGroup(data.id)).body.data).toEqual(data);
    const row = await env.DB.prepare("SELECT subgroup_operator, subgroups FROM segment_groups WHERE id = ?").bind(data.id).first<{ subgroup_operator: string; subgroups: string }>();
    expect(row!.subgroup_operator).toBe("OR");
    expect(row!.subgroups).toBe(JSON.stringify(runnersNotLoyal.segment_subgroup));
  });

  it("the expression follows subgroup and member order", async () => {
    const created = await createGroup({
      segment_subgroup: [
        { segment_operator: "OR", exclude: true, segment_members: [member(202, "3P"), member(103)] },
        { segment_operator: "OR", segment_members: [member(102), member(101)] },
      ],
    });
    expect(created.body.data.expression).toBe("NOT (3P:202 OR CONTEXTUAL:103) AND (CONTEXTUAL:102 OR CONTEXTUAL:101)");
  });

  it("400 for a subgroup_operator or exclude of the wrong kind, each with its path", async () => {
    const before = await snapshotTables();
    const res = await post(
      validGroup({
        subgroup_operator: "XOR",
        segment_subgroup: [
          { segment_operator: "AND", exclude: "yes", segment_members: [member(101)] },
          { segment_operator: "AND", exclude: null, segment_members: [member(102)] },
        ],
      }),
    );
    expect(res.status, describeResponse(res)).toBe(400);
    expect(errorsOf(res)).toEqual([
      { code: "invalid_type", field: "segment_subgroup[0].exclude" },
      { code: "invalid_type", field: "segment_subgroup[1].exclude" },
      { code: "invalid_value", field: "subgroup_operator" },
    ]);
    expect(await snapshotTables()).toEqual(before);
  });
});

describe("POST /segment_groups — only_exclusions", () => {
  const allExcluded = [
    { segment_operator: "AND", exclude: true, segment_members: [member(101)] },
    { segment_operator: "OR", exclude: true, segment_members: [member(301, "3P")] },
  ];

  it("400 only_exclusions on segment_subgroup when every subgroup is excluded, reported with the body's other problems", async () => {
    const before = await snapshotTables();
    const res = await post(validGroup({ name: "", segment_subgroup: allExcluded }));
    expect(res.status, describeResponse(res)).toBe(400);
    expect(errorsOf(res)).toEqual([
      { code: "too_short", field: "name" },
      { code: "only_exclusions", field: "segment_subgroup" },
    ]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("is a body check: it comes before the organization's 403 and the catalog's 404", async () => {
    const res = await post(validGroup({ organization_id: OTHER_ORG, segment_subgroup: [...allExcluded, { segment_operator: "OR", exclude: true, segment_members: [member(555)] }] }));
    expect(res.status, describeResponse(res)).toBe(400);
    expect(errorsOf(res)).toEqual([{ code: "only_exclusions", field: "segment_subgroup" }]);
  });

  it("one included subgroup is enough, and a single excluded subgroup is refused", async () => {
    expect((await post(validGroup({ segment_subgroup: [allExcluded[0], { segment_operator: "OR", segment_members: [member(102)] }] }))).status).toBe(201);
    const single = await post(validGroup({ segment_subgroup: [allExcluded[0]] }));
    expect(errorsOf(single)).toEqual([{ code: "only_exclusions", field: "segment_subgroup" }]);
  });
});
