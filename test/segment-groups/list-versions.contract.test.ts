import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { mintToken, tokenFor } from "../helpers/tokens";

beforeAll(seedCatalog);

const etagOf = (res: { headers: Headers }) => res.headers.get("ETag")!.slice(1, -1);

describe("GET /segment_groups/{id}/versions", () => {
  it("lists who changed the group, when and to what, newest first, paged like the list", async () => {
    const token = await tokenFor([ORG]);
    const other = await mintToken({ claims: { organization_ids: [ORG], sub: "client-7@clients" } });
    const created = await call("POST", "/segment_groups", { token, json: validGroup() });
    const id = created.body.data.id;
    const writes = [created];
    for (const [who, name] of [[other, "one"], [token, "two"], [other, "three"]] as const) {
      writes.push(await call("PATCH", `/segment_groups/${id}`, { token: who, json: { name } }));
    }
    const all = await call("GET", `/segment_groups/${id}/versions`, { token });
    expect(all.status, describeResponse(all)).toBe(200);
    expect(all.body.data).toEqual(
      [...writes].reverse().map((w, i) => ({
        version: etagOf(w),
        changed_at: w.body.data.updated_at,
        changed_by: w.body.data.updated_by,
        change: i === writes.length - 1 ? "created" : "updated",
        data: w.body.data,
      })),
    );
    expect(all.body.data.map((v: any) => v.changed_by)).toEqual(["client-7@clients", "auth0|test-user", "client-7@clients", "auth0|test-user"]);
    expect(all.body.meta).toEqual({ status: "success", request_id: expect.any(String), next_cursor: null, has_more: false });

    const first = await call("GET", `/segment_groups/${id}/versions?limit=3`, { token });
    expect(first.body.meta.has_more).toBe(true);
    const rest = await call("GET", `/segment_groups/${id}/versions?limit=3&cursor=${first.body.meta.next_cursor}`, { token });
    expect([...first.body.data, ...rest.body.data]).toEqual(all.body.data);
    expect(rest.body.meta).toMatchObject({ next_cursor: null, has_more: false });
  });

  it("keeps a deleted group's history, ending with its deletion", async () => {
    const token = await tokenFor([ORG]);
    const created = await call("POST", "/segment_groups", { token, json: validGroup() });
    const id = created.body.data.id;
    expect((await call("DELETE", `/segment_groups/${id}`, { token })).status).toBe(204);
    expect((await call("GET", `/segment_groups/${id}`, { token })).status).toBe(404);
    const history = await call("GET", `/segment_groups/${id}/versions`, { token });
    expect(history.status, describeResponse(history)).toBe(200);
    expect(history.body.data.map((v: any) => [v.change, v.data === null])).toEqual([["deleted", true], ["created", false]]);
  });

  it("is a 404 like GET for another organization's group or an unknown id; 400 for a malformed id or cursor", async () => {
    const theirs = await call("POST", "/segment_groups", { token: await tokenFor([OTHER_ORG]), json: validGroup({ organization_id: OTHER_ORG, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 401, segment_type: "3P" }] }] }) });
    const token = await tokenFor([ORG]);
    for (const id of [theirs.body.data.id, "01890a5d-ac96-774b-bcce-b302099a8057"]) {
      const res = await call("GET", `/segment_groups/${id}/versions`, { token });
      const get = await call("GET", `/segment_groups/${id}`, { token });
      expect(res.status).toBe(404);
      expect(errorsOf(res)).toEqual(errorsOf(get));
      expect(res.body.errors[0].message).toBe(get.body.errors[0].message);
    }
    expect(errorsOf(await call("GET", "/segment_groups/nope/versions", { token }))).toEqual([{ code: "invalid_value", field: "id" }]);
    expect(errorsOf(await call("GET", `/segment_groups/${theirs.body.data.id}/versions?cursor=zz`, { token }))).toEqual([{ code: "invalid_value", field: "cursor" }]);
  });
});

describe("GET /segment_groups/{id}/versions/{version}", () => {
  it("returns one version, the current one being the ETag", async () => {
    const token = await tokenFor([ORG]);
    const created = await call("POST", "/segment_groups", { token, json: validGroup() });
    const id = created.body.data.id;
    const updated = await call("PATCH", `/segment_groups/${id}`, { token, json: { status: false } });
    const old = await call("GET", `/segment_groups/${id}/versions/${etagOf(created)}`, { token });
    expect(old.status, describeResponse(old)).toBe(200);
    expect(old.body.data).toEqual({ version: etagOf(created), changed_at: created.body.data.updated_at, changed_by: "auth0|test-user", change: "created", data: created.body.data });
    const current = await call("GET", `/segment_groups/${id}/versions/${etagOf(updated).toUpperCase()}`, { token });
    expect(current.body.data.data).toEqual(updated.body.data);
  });

  it("answers 404 version_not_found for a version the group never had, segment_group_not_found for a group you cannot see", async () => {
    const token = await tokenFor([ORG]);
    const created = await call("POST", "/segment_groups", { token, json: validGroup() });
    const unknown = await call("GET", `/segment_groups/${created.body.data.id}/versions/${"0".repeat(32)}`, { token });
    expect(unknown.status).toBe(404);
    expect(errorsOf(unknown)).toEqual([{ code: "version_not_found", field: "version" }]);
    const hidden = await call("GET", `/segment_groups/${created.body.data.id}/versions/${etagOf(created)}`, { token: await tokenFor([OTHER_ORG]) });
    expect(errorsOf(hidden)).toEqual([{ code: "segment_group_not_found" }]);
    expect(errorsOf(await call("GET", `/segment_groups/${created.body.data.id}/versions/xyz`, { token }))).toEqual([{ code: "invalid_value", field: "version" }]);
  });
});
