import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";
import { call, describeResponse, type ApiResponse } from "../helpers/api";
import { seedSegments, snapshotTables } from "../helpers/db";
import { member } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

// A hostile tenant against the shared catalog: it may neither take the platform's global
// segments nor learn which keys other organizations own. Organizations of their own here, so
// the rest of the suite's catalog does not interfere.
const MINE = 71_001;
const THEIRS = 71_002;
const OWNED = 8_801; // a key THEIRS owns privately
const FREE = 8_802; // a key nobody owns
const GLOBAL = 8_803; // a global key

const tenant = () => tokenFor([MINE], TENANT_PERMISSIONS);

/** The answer with everything that names the key or the moment taken out: what a prober could compare. */
function shape(res: ApiResponse, key: number): unknown {
  const body = JSON.parse(JSON.stringify(res.body), (name, value) => {
    if (name === "request_id" || name === "created_at" || name === "updated_at" || name === "id") return undefined;
    if (typeof value === "number" && (value === key || Math.floor(value / 1000) === key)) return "<key>";
    return typeof value === "string" ? value.replaceAll(String(key), "<key>") : value;
  });
  return { status: res.status, body, etag: res.headers.has("ETag"), location: res.headers.has("Location") };
}

beforeAll(async () => {
  await seedSegments([
    { segment_type: "3P", segment_id: OWNED, organization_id: THEIRS },
    { segment_type: "CONTEXTUAL", segment_id: OWNED, organization_id: THEIRS },
    { segment_type: "CONTEXTUAL", segment_id: GLOBAL },
  ]);
});

describe("the catalog across tenants — a key another organization owns answers exactly like a free key", () => {
  const probes: [string, (key: number, token: string) => Promise<ApiResponse>][] = [
    ["GET /segments/{type}/{id}", (key, token) => call("GET", `/segments/3P/${key}`, { token })],
    ["GET /segments/{type}/{id}?organization_id=", (key, token) => call("GET", `/segments/3P/${key}?organization_id=${MINE}`, { token })],
    ["DELETE /segments/{type}/{id}", (key, token) => call("DELETE", `/segments/3P/${key}`, { token })],
    ["DELETE /segments/{type}/{id}?organization_id=", (key, token) => call("DELETE", `/segments/3P/${key}?organization_id=${MINE}`, { token })],
    ["GET /segments?q=", (key, token) => call("GET", `/segments?q=${key}`, { token })],
    ["PUT a global segment (no write:catalog)", (key, token) => call("PUT", `/segments/CONTEXTUAL/${key}`, { token, json: { name: "Mine?" } })],
    [
      "POST /segments/bulk, 999 candidates and one item that must fail",
      (key, token) =>
        call("POST", "/segments/bulk", {
          token,
          json: {
            items: [
              ...Array.from({ length: 999 }, (_, i) => ({ segment_type: "3P", segment_id: key * 1000 + i, name: "probe", organization_id: MINE })),
              { segment_type: "CONTEXTUAL", segment_id: key, name: "probe" },
            ],
          },
        }),
    ],
    [
      "POST /segment_groups naming the key",
      (key, token) =>
        call("POST", "/segment_groups", {
          token,
          json: { name: "Probe", type: "AUDIENCE", organization_id: MINE, status: true, segment_subgroup: [{ segment_operator: "OR", segment_members: [member(key, "3P")] }] },
        }),
    ],
    [
      "POST /segment_groups?dry_run=true naming the key",
      (key, token) =>
        call("POST", "/segment_groups?dry_run=true", {
          token,
          json: { name: "Probe", type: "AUDIENCE", organization_id: MINE, status: true, segment_subgroup: [{ segment_operator: "OR", segment_members: [member(key, "CONTEXTUAL")] }] },
        }),
    ],
  ];

  it.each(probes)("%s", async (_, probe) => {
    const token = await tenant();
    const before = await snapshotTables();
    const owned = await probe(OWNED, token);
    const free = await probe(FREE, token);
    expect(shape(owned, OWNED), describeResponse(owned)).toEqual(shape(free, FREE));
    expect(await snapshotTables()).toEqual(before);
  });

  it("PUT and bulk of the caller's own segment create it under either key, alike", async () => {
    const token = await tenant();
    const put = async (key: number) => call("PUT", `/segments/CONTEXTUAL/${key}`, { token, json: { name: "Ours", organization_id: MINE } });
    const [owned, free] = [await put(OWNED), await put(FREE)];
    expect(shape(owned, OWNED), describeResponse(owned)).toEqual(shape(free, FREE));
    expect(owned.status).toBe(201);
    const bulk = async (key: number) =>
      call("POST", "/segments/bulk", { token, json: { items: [{ segment_type: "3P", segment_id: key, name: "Ours", organization_id: MINE }] } });
    const [bulkOwned, bulkFree] = [await bulk(OWNED), await bulk(FREE)];
    expect(shape(bulkOwned, OWNED), describeResponse(bulkOwned)).toEqual(shape(bulkFree, FREE));
    expect(bulkOwned.body.meta).toMatchObject({ created: 1, updated: 0 });
    // Theirs is untouched.
    expect(await env.DB.prepare("SELECT name FROM segments WHERE segment_type = '3P' AND segment_id = ?1 AND organization_id = ?2").bind(OWNED, THEIRS).first()).toEqual({
      name: `Segment 3P ${OWNED}`,
    });
  });
});

describe("the catalog across tenants — the platform's global segments cannot be taken", () => {
  it("a tenant can neither delete, rename nor claim a global segment, even unused", async () => {
    const token = await tenant();
    const before = await snapshotTables();
    const del = await call("DELETE", `/segments/CONTEXTUAL/${GLOBAL}`, { token });
    expect(del.status, describeResponse(del)).toBe(403);
    expect(del.body.errors).toEqual([{ code: "insufficient_permissions", message: expect.stringContaining("write:catalog") }]);
    const rename = await call("PUT", `/segments/CONTEXTUAL/${GLOBAL}`, { token, json: { name: "Renamed" } });
    expect(rename.status, describeResponse(rename)).toBe(403);
    const claim = await call("PUT", `/segments/CONTEXTUAL/${GLOBAL}`, { token, json: { name: "Ours now", organization_id: MINE } });
    expect(claim.status, describeResponse(claim)).toBe(409);
    expect(claim.body.errors[0]).toMatchObject({ code: "segment_owner_conflict", field: "organization_id" });
    expect(await snapshotTables()).toEqual(before);
  });
});

describe("the catalog across tenants — one key, several owners", () => {
  const KEY = 8_810;
  const group = (organization: number, token: string) =>
    call("POST", "/segment_groups", {
      token,
      json: { name: `Uses ${KEY}`, type: "AUDIENCE", organization_id: organization, status: true, segment_subgroup: [{ segment_operator: "OR", segment_members: [member(KEY, "3P")] }] },
    });

  it("resolves each group's member to its own organization's segment, and counts and guards uses per owner", async () => {
    const mine = await tenant();
    const theirs = await tokenFor([THEIRS], TENANT_PERMISSIONS);
    for (const [organization, token] of [[MINE, mine], [THEIRS, theirs]] as const) {
      const res = await call("PUT", `/segments/3P/${KEY}`, { token, json: { name: `Owned by ${organization}`, organization_id: organization } });
      expect(res.status, describeResponse(res)).toBe(201);
    }
    expect((await group(MINE, mine)).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await group(THEIRS, theirs)).status).toBe(201);

    // Each owner's delete is refused with its own groups' count only.
    const mineDelete = await call("DELETE", `/segments/3P/${KEY}`, { token: mine });
    expect(mineDelete.status, describeResponse(mineDelete)).toBe(409);
    expect(mineDelete.body.meta.group_count).toBe(1);
    const theirsDelete = await call("DELETE", `/segments/3P/${KEY}`, { token: theirs });
    expect(theirsDelete.body.meta.group_count).toBe(2);
    // The database refuses any other writer the same.
    await expect(env.DB.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = ?1 AND organization_id = ?2").bind(KEY, MINE).run()).rejects.toThrow(/FOREIGN KEY/);

    // The reverse lookup finds only the caller's groups.
    const lookup = await call("GET", `/segment_groups?segment=3P:${KEY}`, { token: mine });
    expect(lookup.body.data.map((g: { organization_id: number }) => g.organization_id)).toEqual([MINE]);

    // A token holding both must say which organization's segment it means.
    const both = await tokenFor([MINE, THEIRS], TENANT_PERMISSIONS);
    const ambiguous = await call("GET", `/segments/3P/${KEY}`, { token: both });
    expect(ambiguous.status, describeResponse(ambiguous)).toBe(400);
    expect(ambiguous.body.errors).toEqual([{ code: "required", field: "organization_id", message: expect.stringContaining("?organization_id=") }]);
    const named = await call("GET", `/segments/3P/${KEY}?organization_id=${THEIRS}`, { token: both });
    expect(named.body.data).toMatchObject({ name: `Owned by ${THEIRS}`, organization_id: THEIRS });
    const listed = await call("GET", `/segments?q=owned by`, { token: both });
    expect(listed.body.data.filter((s: { segment_id: number }) => s.segment_id === KEY).map((s: { organization_id: number }) => s.organization_id)).toEqual(
      [MINE, THEIRS],
    );
  });

  it("the catalog admin deletes an unused global segment, and sees every organization's uses of a used one", async () => {
    const admin = await tokenFor([MINE]);
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 8_820 }, { segment_type: "CONTEXTUAL", segment_id: 8_821 }]);
    const use = async (organization: number) =>
      call("POST", "/segment_groups", {
        token: await tokenFor([organization], TENANT_PERMISSIONS),
        json: { name: "Global user", type: "AUDIENCE", organization_id: organization, status: true, segment_subgroup: [{ segment_operator: "OR", segment_members: [member(8_821)] }] },
      });
    expect((await use(MINE)).status).toBe(201);
    expect((await use(THEIRS)).status).toBe(201);
    expect((await call("DELETE", "/segments/CONTEXTUAL/8820", { token: admin })).status).toBe(204);
    const used = await call("DELETE", "/segments/CONTEXTUAL/8821", { token: admin });
    expect(used.status, describeResponse(used)).toBe(409);
    expect(used.body.meta.group_count).toBe(2);
  });
});
