import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf, type ApiResponse } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { member, ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

const UNKNOWN_ID = "01890a5d-ac96-774b-bcce-b302099a8057";
/** PATCHes group `id` and asserts the error envelope with `status` and that no row changed. */
async function expectRejected(
  id: string,
  status: number,
  options: { json?: unknown; rawBody?: BodyInit; headers?: Record<string, string>; token?: string },
): Promise<ApiResponse> {
  const before = await snapshotTables();
  const res = await call("PATCH", `/segment_groups/${id}`, { token: await tokenFor([ORG]), ...options });
  expect(res.status, describeResponse(res)).toBe(status);
  expect(res.body.meta).toEqual({ status: "error", request_id: expect.any(String) });
  expect(await snapshotTables()).toEqual(before);
  return res;
}

describe("PATCH /segment_groups/{id} — request (400, 415)", () => {
  it("400 invalid_body for a body with nothing to change, naming the fields that may be sent", async () => {
    const { id } = (await createGroup()).body.data;
    for (const json of [{}, { organization_id: ORG }]) {
      const res = await expectRejected(id, 400, { json });
      expect(res.body.errors).toEqual([{ code: "invalid_body", message: "Send at least one of: name, type, status, segment_subgroup, subgroup_operator." }]);
    }
  });

  it("400 unknown_field for fields that are not changeable (id, timestamps, anything else)", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, { json: { name: "x", id, created_at: "2020-01-01T00:00:00.000Z", updated_at: "x", color: 1 } });
    expect(errorsOf(res)).toEqual([
      { code: "unknown_field", field: "id" },
      { code: "unknown_field", field: "created_at" },
      { code: "unknown_field", field: "updated_at" },
      { code: "unknown_field", field: "color" },
    ]);
  });

  it("400 for an explicit null: nothing can be removed (invalid_type; an enum says which values it takes)", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, {
      json: { name: null, type: null, status: null, segment_subgroup: null, organization_id: null },
      headers: { "Content-Type": "application/merge-patch+json" },
    });
    expect(errorsOf(res)).toEqual([
      { code: "invalid_type", field: "name" },
      { code: "invalid_value", field: "type" },
      { code: "invalid_type", field: "organization_id" },
      { code: "invalid_type", field: "status" },
      { code: "invalid_type", field: "segment_subgroup" },
    ]);
  });

  it("checks each field by create's rules, reporting every problem at once", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, {
      json: {
        name: "   ",
        type: "3P",
        status: "false",
        organization_id: 0,
        segment_subgroup: [
          { segment_operator: "XOR", segment_members: [member(101), member(101)] },
          { segment_operator: "AND", segment_members: [] },
        ],
      },
    });
    expect(errorsOf(res)).toEqual(
      expect.arrayContaining([
        { code: "blank", field: "name" },
        { code: "invalid_value", field: "type" },
        { code: "invalid_type", field: "status" },
        { code: "too_small", field: "organization_id" },
        { code: "invalid_value", field: "segment_subgroup[0].segment_operator" },
        { code: "duplicate_segment", field: "segment_subgroup[0].segment_members[1].segment_id" },
        { code: "too_short", field: "segment_subgroup[1].segment_members" },
      ]),
    );
    expect(res.body.errors).toHaveLength(7);
    const empty = await expectRejected(id, 400, { json: { segment_subgroup: [] } });
    expect(errorsOf(empty)).toEqual([{ code: "too_short", field: "segment_subgroup" }]);
  });

  it("400 for a body that is not a JSON object", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, { json: [{ name: "x" }] });
    expect(errorsOf(res)).toEqual([{ code: "invalid_body" }]);
    const malformed = await expectRejected(id, 400, { rawBody: "{", headers: { "Content-Type": "application/json" } });
    expect(errorsOf(malformed)).toEqual([{ code: "malformed_json" }]);
  });

  it("415 for other media types, naming both accepted ones", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 415, { rawBody: JSON.stringify({ name: "x" }), headers: { "Content-Type": "text/plain" } });
    expect(res.body.errors[0].message).toContain("application/merge-patch+json");
  });

  it("400 on a malformed id, naming the parameter", async () => {
    const res = await expectRejected("not-a-uuid", 400, { json: { name: "x" } });
    expect(res.body.errors).toEqual([{ code: "invalid_value", field: "id", message: "must be a segment group id (a UUID)" }]);
  });

  it("400 on a malformed If-Match, naming the header", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, { json: { name: "x" }, headers: { "If-Match": "not-quoted" } });
    expect(errorsOf(res)).toEqual([{ code: "invalid_value", field: "If-Match" }]);
  });
});

describe("PATCH /segment_groups/{id} — state (404, 400 immutable, 412)", () => {
  it("404 segment_group_not_found for an id that does not exist", async () => {
    const res = await expectRejected(UNKNOWN_ID, 404, { json: { name: "x" } });
    expect(res.body.errors).toEqual([{ code: "segment_group_not_found", message: expect.stringContaining(UNKNOWN_ID) }]);
  });

  it("400 immutable_field when organization_id names another organization, even one the caller holds", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, { json: { name: "x", organization_id: OTHER_ORG }, token: await tokenFor([ORG, OTHER_ORG]) });
    expect(errorsOf(res)).toEqual([{ code: "immutable_field", field: "organization_id" }]);
  });

  it("412 precondition_failed when If-Match holds no current ETag (weak tags never match)", async () => {
    const created = await createGroup();
    const etag = created.headers.get("ETag")!;
    for (const ifMatch of [`"0123456789abcdef0123456789abcdef"`, `W/${etag}`]) {
      const res = await expectRejected(created.body.data.id, 412, { json: { name: "x" }, headers: { "If-Match": ifMatch } });
      expect(errorsOf(res)).toEqual([{ code: "precondition_failed", field: "If-Match" }]);
    }
  });

  it("404 segment_not_found for each member the group's organization cannot use, with its path", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 404, {
      json: {
        name: "x",
        segment_subgroup: [
          { segment_operator: "AND", segment_members: [member(101), member(999, "3P")] },
          { segment_operator: "OR", segment_members: [member(401, "3P"), member(301, "3P"), member(201, "CONTEXTUAL")] },
        ],
      },
    });
    expect(errorsOf(res)).toEqual([
      { code: "segment_not_found", field: "segment_subgroup[0].segment_members[1].segment_id" },
      { code: "segment_not_found", field: "segment_subgroup[1].segment_members[0].segment_id" },
      { code: "segment_not_found", field: "segment_subgroup[1].segment_members[2].segment_id" },
    ]);
    expect(res.body.errors[0].message).toBe("No 3P segment 999 is available to this organization.");
  });

  it("judges segment visibility by the group's organization, not by the caller's others", async () => {
    // OTHER_ORG owns 3P 401; a caller holding both may not put it in an ORG group.
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 404, {
      json: { segment_subgroup: [{ segment_operator: "AND", segment_members: [member(401, "3P")] }] },
      token: await tokenFor([ORG, OTHER_ORG]),
    });
    expect(errorsOf(res)).toEqual([{ code: "segment_not_found", field: "segment_subgroup[0].segment_members[0].segment_id" }]);
  });
});

describe("PATCH /segment_groups/{id} — order of checks", () => {
  const missingMember = { segment_subgroup: [{ segment_operator: "AND", segment_members: [member(999)] }] };

  it("body 400 before a missing group's 404", async () => {
    const res = await expectRejected(UNKNOWN_ID, 400, { json: { name: "" } });
    expect(errorsOf(res)).toEqual([{ code: "too_short", field: "name" }]);
  });

  it("a missing group's 404 before 412", async () => {
    const res = await expectRejected(UNKNOWN_ID, 404, { json: { name: "x" }, headers: { "If-Match": `"stale"` } });
    expect(errorsOf(res)).toEqual([{ code: "segment_group_not_found" }]);
  });

  it("another organization's group is a 404 even with a stale If-Match and a moved organization", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 404, {
      json: { organization_id: OTHER_ORG, ...missingMember },
      headers: { "If-Match": `"stale"` },
      token: await tokenFor([OTHER_ORG]),
    });
    expect(errorsOf(res)).toEqual([{ code: "segment_group_not_found" }]);
  });

  it("400 immutable_field before 412 and before missing segments", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 400, { json: { organization_id: OTHER_ORG, ...missingMember }, headers: { "If-Match": `"stale"` } });
    expect(errorsOf(res)).toEqual([{ code: "immutable_field", field: "organization_id" }]);
  });

  it("412 before missing segments", async () => {
    const { id } = (await createGroup()).body.data;
    const res = await expectRejected(id, 412, { json: missingMember, headers: { "If-Match": `"stale"` } });
    expect(errorsOf(res)).toEqual([{ code: "precondition_failed", field: "If-Match" }]);
  });
});
