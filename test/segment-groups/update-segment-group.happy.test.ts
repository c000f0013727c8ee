import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { segmentGroupSchema } from "../../src/routes/segment-groups/schemas";
import { call, describeResponse } from "../helpers/api";
import { asStated, member, ORG, seedCatalog } from "../helpers/fixtures";
import { createGroup, readGroup, rowsOfGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

async function patch(id: string, json: unknown, headers: Record<string, string> = {}) {
  return call("PATCH", `/segment_groups/${id}`, { token: await tokenFor([ORG]), json, headers });
}


describe("PATCH /segment_groups/{id}", () => {
  it("changes only the fields sent and answers the whole group with a new ETag", async () => {
    const created = await createGroup();
    const { id } = created.body.data;
    const res = await patch(id, { name: "Renamed" });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toEqual({ ...created.body.data, name: "Renamed", updated_at: res.body.data.updated_at });
    expect(segmentGroupSchema.safeParse(res.body.data).success).toBe(true);
    expect(res.body.data.updated_at >= created.body.data.updated_at).toBe(true);
    expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get("ETag")).not.toBe(created.headers.get("ETag"));

    const stored = await readGroup(id);
    expect(stored.body.data).toEqual(res.body.data);
    expect(stored.headers.get("ETag")).toBe(res.headers.get("ETag"));
  });

  it("changes type and status, leaving the subgroups as they were", async () => {
    const created = await createGroup();
    const res = await patch(created.body.data.id, { type: "AUDIENCE", status: false });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toMatchObject({ type: "AUDIENCE", status: false, segment_subgroup: created.body.data.segment_subgroup });
    expect(await rowsOfGroup(created.body.data.id)).toEqual({ groups: 1, subgroups: 2, members: 3 });
  });

  it("replaces segment_subgroup as a whole, keeping the new order", async () => {
    const created = await createGroup();
    const subgroups = [
      { segment_operator: "OR", segment_members: [member(202, "3P"), member(103)] },
      { segment_operator: "AND", segment_members: [member(102)] },
      { segment_operator: "OR", segment_members: [member(301, "3P"), member(101)] },
    ];
    const res = await patch(created.body.data.id, { segment_subgroup: subgroups });
    expect(res.status, describeResponse(res)).toBe(200);
    const stated = asStated({ segment_subgroup: subgroups }).segment_subgroup;
    expect(res.body.data.segment_subgroup).toEqual(stated);
    expect((await readGroup(created.body.data.id)).body.data.segment_subgroup).toEqual(stated);
    expect(await rowsOfGroup(created.body.data.id)).toEqual({ groups: 1, subgroups: 3, members: 5 });
  });

  it("keeps the stored folded name in step with the name (the list's q filter reads it)", async () => {
    const created = await createGroup();
    await patch(created.body.data.id, { name: "ÉLAN Ｖitesse" });
    const row = await env.DB.prepare("SELECT name_folded FROM segment_groups WHERE id = ?").bind(created.body.data.id).first<{ name_folded: string }>();
    expect(row!.name_folded).toBe("élan vitesse");
    const found = await call("GET", "/segment_groups?q=%C3%A9lan%20v", { token: await tokenFor([ORG]) });
    expect(found.body.data.map((g: { id: string }) => g.id), describeResponse(found)).toEqual([created.body.data.id]);
  });

  it("is a method of the group's URL, with GET and DELETE (405 lists them)", async () => {
    const created = await createGroup();
    const res = await call("PUT", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([ORG]), json: { name: "x" } });
    expect(res.status, describeResponse(res)).toBe(405);
    expect(res.headers.get("Allow")?.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH"]);
  });

  it("accepts organization_id when it is the group's own", async () => {
    const created = await createGroup();
    const res = await patch(created.body.data.id, { organization_id: ORG, status: false });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data.organization_id).toBe(ORG);
  });

  it("accepts application/merge-patch+json", async () => {
    const created = await createGroup();
    const res = await patch(created.body.data.id, { name: "Merged" }, { "Content-Type": "application/merge-patch+json" });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data.name).toBe("Merged");
  });

  it("does not touch other groups", async () => {
    const mine = await createGroup();
    const other = await createGroup({ name: "Other" });
    await patch(mine.body.data.id, { name: "Changed", segment_subgroup: [{ segment_operator: "AND", segment_members: [member(103)] }] });
    const stored = await readGroup(other.body.data.id);
    expect(stored.body.data).toEqual(other.body.data);
    expect(stored.headers.get("ETag")).toBe(other.headers.get("ETag"));
    expect(await rowsOfGroup(other.body.data.id)).toEqual({ groups: 1, subgroups: 2, members: 3 });
  });

  it("a writer holding several organizations can change a group of any of them", async () => {
    const created = await createGroup();
    const res = await call("PATCH", `/segment_groups/${created.body.data.id}`, { token: await tokenFor([5, ORG]), json: { name: "Shared" } });
    expect(res.status, describeResponse(res)).toBe(200);
  });
});

describe("PATCH /segment_groups/{id} — If-Match", () => {
  it("writes when If-Match holds the current ETag, alone or in a list, or is *", async () => {
    const created = await createGroup();
    const first = await patch(created.body.data.id, { name: "One" }, { "If-Match": created.headers.get("ETag")! });
    expect(first.status, describeResponse(first)).toBe(200);
    const second = await patch(created.body.data.id, { name: "Two" }, { "If-Match": `"stale", ${first.headers.get("ETag")}` });
    expect(second.status, describeResponse(second)).toBe(200);
    const third = await patch(created.body.data.id, { name: "Three" }, { "If-Match": "*" });
    expect(third.status, describeResponse(third)).toBe(200);
    expect((await readGroup(created.body.data.id)).body.data.name).toBe("Three");
  });

  it("each write gives a new ETag, so the old one no longer matches", async () => {
    const created = await createGroup();
    const etag = created.headers.get("ETag")!;
    expect((await patch(created.body.data.id, { name: "One" }, { "If-Match": etag })).status).toBe(200);
    const replay = await patch(created.body.data.id, { name: "Two" }, { "If-Match": etag });
    expect(replay.status, describeResponse(replay)).toBe(412);
  });
});

describe("PATCH /segment_groups/{id} — updated_at", () => {
  it("moves forward and leaves created_at alone", async () => {
    const created = await createGroup();
    const res = await patch(created.body.data.id, { status: false });
    expect(res.body.data.created_at).toBe(created.body.data.created_at);
    expect(res.body.data.updated_at >= created.body.data.updated_at).toBe(true);
  });

  it("moves forward even when the stored updated_at is ahead of this Worker's clock", async () => {
    const created = await createGroup();
    const ahead = "2999-01-01T00:00:00.999Z";
    await env.DB.prepare("UPDATE segment_groups SET updated_at = ? WHERE id = ?").bind(ahead, created.body.data.id).run();
    const res = await patch(created.body.data.id, { status: false });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data.updated_at).toBe("2999-01-01T00:00:01.000Z");
    expect((await readGroup(created.body.data.id)).body.data.updated_at).toBe("2999-01-01T00:00:01.000Z");
  });
});
