import { env } from "cloudflare:workers";
import { mergeIndexBacklog } from "../helpers/db";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { asStated, ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { AUDIENCE, mintToken, tokenFor } from "../helpers/tokens";

beforeEach(seedCatalog);

describe("POST /segment_groups — success", () => {
  it("answers 201 with the spec's fields plus id, timestamps, Location and meta", async () => {
    const body = validGroup();
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: body });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);

    const { data, meta } = res.body;
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      ...asStated(body),
      created_at: expect.any(String),
      updated_at: data.created_at,
      // The token's sub (test/helpers/tokens.ts).
      created_by: "auth0|test-user",
      updated_by: "auth0|test-user",
    });
    expect(new Date(data.created_at).toISOString()).toBe(data.created_at);
    expect(res.headers.get("Location")).toBe(`/segment_groups/${data.id}`);
    expect(meta).toEqual({ status: "success", request_id: expect.any(String) });
    expect(res.headers.get("X-Request-Id")).toBe(meta.request_id);
  });

  it("stores the group, its subgroups and members in the order sent", async () => {
    const body = validGroup({
      segment_subgroup: [
        { segment_operator: "OR", segment_members: [
          { segment_id: 202, segment_type: "3P" },
          { segment_id: 103, segment_type: "CONTEXTUAL" },
          { segment_id: 101, segment_type: "CONTEXTUAL" },
        ] },
        { segment_operator: "AND", segment_members: [{ segment_id: 102, segment_type: "CONTEXTUAL" }] },
        { segment_operator: "OR", segment_members: [{ segment_id: 201, segment_type: "3P" }, { segment_id: 101, segment_type: "CONTEXTUAL" }] },
      ],
    });
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: body });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(res.body.data.segment_subgroup).toEqual(asStated(body).segment_subgroup);

    const id = res.body.data.id;
    const group = await env.DB.prepare("SELECT organization_id, name, type, status, subgroups, member_count FROM segment_groups WHERE id = ?")
      .bind(id)
      .first<Record<string, unknown>>();
    const { subgroups, ...columns } = group!;
    expect(columns).toEqual({ organization_id: ORG, name: body.name, type: "CONTEXTUAL", status: 1, member_count: 6 });
    // The document keeps subgroup and member order, and every member, repeats across subgroups included.
    expect(JSON.parse(subgroups as string)).toEqual(asStated(body).segment_subgroup);
    // Once the backlog is merged, the reverse index holds each distinct segment once (101 is in two subgroups).
    await mergeIndexBacklog();
    const { results: members } = await env.DB.prepare(
      "SELECT segment_type AS t, segment_id AS id FROM segment_group_members WHERE group_key = (SELECT index_key FROM segment_groups WHERE id = ?) ORDER BY t, id",
    ).bind(id).all();
    expect(members).toEqual([
      { t: "3P", id: 201 },
      { t: "3P", id: 202 },
      { t: "CONTEXTUAL", id: 101 },
      { t: "CONTEXTUAL", id: 102 },
      { t: "CONTEXTUAL", id: 103 },
    ]);
  });

  it("accepts status false and type AUDIENCE, and gives each group its own id", async () => {
    const token = await tokenFor([ORG]);
    const first = await call("POST", "/segment_groups", { token, json: validGroup({ status: false, type: "AUDIENCE" }) });
    const second = await call("POST", "/segment_groups", { token, json: validGroup() });
    expect(first.status, describeResponse(first)).toBe(201);
    expect(first.body.data).toMatchObject({ status: false, type: "AUDIENCE" });
    expect(second.body.data.id).not.toBe(first.body.data.id);
  });

  it("allows the same segment in two different subgroups", async () => {
    const member = { segment_id: 101, segment_type: "CONTEXTUAL" };
    const body = validGroup({
      segment_subgroup: [
        { segment_operator: "AND", segment_members: [member] },
        { segment_operator: "OR", segment_members: [member] },
      ],
    });
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: body });
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it("accepts a charset in the media type and keeps names as sent", async () => {
    const res = await call("POST", "/segment_groups", {
      token: await tokenFor([ORG]),
      json: validGroup({ name: "  Ünïcode ✓ name  " }),
      headers: { "Content-Type": "application/json; charset=UTF-8" },
    });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(res.body.data.name).toBe("  Ünïcode ✓ name  ");
  });

  it("takes the permission from the OAuth scope claim too where AUTH0_PERMISSIONS_FROM_SCOPE opts in", async () => {
    const token = await mintToken({ claims: { permissions: undefined, scope: "openid create:segment_groups" } });
    const res = await call("POST", "/segment_groups", { token, json: validGroup(), env: { AUTH0_PERMISSIONS_FROM_SCOPE: "true" } });
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it("accepts an audience array that contains the API, and organization ids sent as strings", async () => {
    const token = await mintToken({ claims: { aud: ["https://other.example", AUDIENCE], organization_ids: [String(ORG)] } });
    const res = await call("POST", "/segment_groups", { token, json: validGroup() });
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it("accepts a Bearer scheme in any case", async () => {
    const token = await tokenFor([ORG]);
    const res = await call("POST", "/segment_groups", { json: validGroup(), headers: { Authorization: `bEaReR ${token}` } });
    expect(res.status, describeResponse(res)).toBe(201);
  });

  it("accepts typ JWT and a token with no typ", async () => {
    for (const header of [{ typ: "JWT" }, { typ: undefined }]) {
      const res = await call("POST", "/segment_groups", { token: await mintToken({ header }), json: validGroup() });
      expect(res.status, describeResponse(res)).toBe(201);
    }
  });

  it("treats a missing trailing slash on the configured issuer or in the token as equal", async () => {
    const issuer = env.AUTH0_ISSUER_BASE_URL!;
    const withoutSlash = issuer.slice(0, -1);
    const tokenWithoutSlash = await mintToken({ issuer: withoutSlash });
    const a = await call("POST", "/segment_groups", { token: tokenWithoutSlash, json: validGroup() });
    expect(a.status, describeResponse(a)).toBe(201);
    const b = await call("POST", "/segment_groups", {
      token: await mintToken(),
      json: validGroup(),
      env: { AUTH0_ISSUER_BASE_URL: withoutSlash },
    });
    expect(b.status, describeResponse(b)).toBe(201);
  });
});

describe("POST and PATCH answer the group exactly as GET then reads it", () => {
  // Writes build their answer from the document objects they stored as text; GET parses the
  // stored text. Compared as text, so key order and every value count.
  it("the 201's and the PATCH's data are, byte for byte, the GET's", async () => {
    const token = await tokenFor([ORG]);
    const body = validGroup({
      subgroup_operator: "OR",
      segment_subgroup: [
        { segment_operator: "OR", exclude: true, segment_members: [{ segment_type: "3P", segment_id: 202 }, { segment_id: 103, segment_type: "CONTEXTUAL" }] },
        { segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }], segment_operator: "AND" },
      ],
    });
    const created = await call("POST", "/segment_groups", { token, json: body });
    expect(created.status, describeResponse(created)).toBe(201);
    const id = created.body.data.id;
    const read = async () => JSON.stringify((await call("GET", `/segment_groups/${id}`, { token })).body.data);
    expect(JSON.stringify(created.body.data)).toBe(await read());

    const patched = await call("PATCH", `/segment_groups/${id}`, {
      token,
      json: { segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_type: "3P", segment_id: 201 }, { segment_id: 102, segment_type: "CONTEXTUAL" }] }] },
    });
    expect(patched.status, describeResponse(patched)).toBe(200);
    expect(JSON.stringify(patched.body.data)).toBe(await read());
  });
});
