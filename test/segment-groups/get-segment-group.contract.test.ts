import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { asStated, ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

describe("GET /segment_groups/{id}", () => {
  it("returns exactly what the 201 returned, with the same ETag", async () => {
    const created = await createGroup();
    const res = await call("GET", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toEqual(created.body.data);
    expect(Object.keys(res.body.data)).toEqual(Object.keys(created.body.data));
    expect(res.headers.get("ETag")).toBe(created.headers.get("ETag"));
    expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it("keeps subgroup and member order", async () => {
    const subgroups = [
      { segment_operator: "OR", segment_members: [{ segment_id: 202, segment_type: "3P" }, { segment_id: 101, segment_type: "CONTEXTUAL" }, { segment_id: 201, segment_type: "3P" }] },
      { segment_operator: "AND", segment_members: [{ segment_id: 103, segment_type: "CONTEXTUAL" }, { segment_id: 102, segment_type: "CONTEXTUAL" }] },
      { segment_operator: "OR", segment_members: [{ segment_id: 301, segment_type: "3P" }] },
    ];
    const created = await createGroup({ segment_subgroup: subgroups });
    const res = await call("GET", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([ORG]) });
    expect(res.body.data.segment_subgroup).toEqual(asStated({ segment_subgroup: subgroups }).segment_subgroup);
  });

  it("accepts the id in upper case", async () => {
    const created = await createGroup();
    const res = await call("GET", `/segment_groups/${created.body.data.id.toUpperCase()}`, { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBe(200);
  });

  it("answers 304 with no body to If-None-Match holding the current ETag", async () => {
    const created = await createGroup();
    const etag = created.headers.get("ETag")!;
    const res = await call("GET", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([ORG]), headers: { "If-None-Match": `"stale", ${etag}` } });
    expect(res.status, describeResponse(res)).toBe(304);
    expect(res.text).toBe("");
    expect(res.headers.get("ETag")).toBe(etag);
    const stale = await call("GET", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([ORG]), headers: { "If-None-Match": `"stale"` } });
    expect(stale.status, describeResponse(stale)).toBe(200);
  });

  it("400 on a malformed id, naming the parameter", async () => {
    const res = await call("GET", "/segment_groups/not-a-uuid", { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBe(400);
    expect(res.body.errors).toEqual([{ code: "invalid_value", field: "id", message: "must be a segment group id (a UUID)" }]);
  });

  it("404 segment_group_not_found for an id that does not exist", async () => {
    const res = await call("GET", "/segment_groups/01890a5d-ac96-774b-bcce-b302099a8057", { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBe(404);
    expect(res.body.errors[0].code).toBe("segment_group_not_found");
  });
});
