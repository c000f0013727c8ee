import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { seedSegments, snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";

beforeEach(seedCatalog);

const bulk = async (json: unknown, organizations = [ORG]) => call("POST", "/segments/bulk", { token: await tokenFor(organizations), json });

/** Sends a request that must be refused, and checks it changed no row. */
async function refused(json: unknown, organizations = [ORG]) {
  const before = await snapshotTables();
  const res = await bulk(json, organizations);
  expect(await snapshotTables(), `rows changed by ${describeResponse(res)}`).toEqual(before);
  return res;
}

const errorsOf = (res: { body: { errors: { code: string; field?: string }[] } }) => res.body.errors.map((e) => [e.code, e.field]);

async function storedRow(type: string, id: number) {
  return env.DB.prepare("SELECT name, name_folded, organization_id, revision, created_at FROM segments WHERE segment_type = ? AND segment_id = ? ORDER BY owner_scope")
    .bind(type, id)
    .first();
}

describe("POST /segments/bulk", () => {
  it("creates every item and returns them in request order, counting created and updated", async () => {
    const items = [
      { segment_type: "CONTEXTUAL", segment_id: 9003, name: "ÉLAN Vital", organization_id: ORG },
      { segment_type: "3P", segment_id: 9001, name: "Cyclists", organization_id: null },
      { segment_type: "CONTEXTUAL", segment_id: 9002, name: "Hikers" },
    ];
    const res = await bulk({ items });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body).toEqual({
      data: items.map((item) => ({ organization_id: null, ...item, created_at: expect.any(String), updated_at: expect.any(String) })),
      meta: { status: "success", request_id: expect.any(String), created: 3, updated: 0 },
    });
    expect(Object.keys(res.body.data[0])).toEqual(["segment_type", "segment_id", "name", "organization_id", "created_at", "updated_at"]);
    // name_folded is the Worker's Unicode fold, which the `q` filter searches.
    expect(await storedRow("CONTEXTUAL", 9003)).toMatchObject({ name_folded: "élan vital", revision: 1 });
  });

  it("replaces existing segments the caller may see, keeping created_at and the owner, and keeps names folded", async () => {
    const first = await bulk({ items: [{ segment_type: "3P", segment_id: 9011, name: "Old", organization_id: ORG }] });
    expect(first.status, describeResponse(first)).toBe(200);
    const res = await bulk({
      items: [
        { segment_type: "CONTEXTUAL", segment_id: 9012, name: "New one" },
        { segment_type: "3P", segment_id: 9011, name: "ÖKO Renamed", organization_id: ORG },
        // A global segment: any caller with write:segments may rename it; it stays global.
        { segment_type: "CONTEXTUAL", segment_id: 101, name: "Sports (renamed)", organization_id: null },
        // The caller's own segment, seeded by the catalog.
        { segment_type: "3P", segment_id: 301, name: "Loyal", organization_id: ORG },
      ],
    });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.meta).toMatchObject({ created: 1, updated: 3 });
    expect(res.body.data.map((s: { segment_id: number; name: string }) => [s.segment_id, s.name])).toEqual([
      [9012, "New one"],
      [9011, "ÖKO Renamed"],
      [101, "Sports (renamed)"],
      [301, "Loyal"],
    ]);
    expect(res.body.data[1].created_at).toBe(first.body.data[0].created_at);
    expect(await storedRow("3P", 9011)).toMatchObject({ name: "ÖKO Renamed", name_folded: "öko renamed", organization_id: ORG, revision: 2 });
    expect(await storedRow("CONTEXTUAL", 101)).toMatchObject({ name_folded: "sports (renamed)", organization_id: null, revision: 2 });
  });

  it("400 for a body without a valid items list", async () => {
    const cases: [unknown, [string, string | undefined][]][] = [
      [{}, [["required", "items"]]],
      [{ items: [] }, [["too_short", "items"]]],
      [{ items: {} }, [["invalid_type", "items"]]],
      [{ items: [{ segment_type: "3P", segment_id: 9021, name: "x" }], dry_run: true }, [["unknown_field", "dry_run"]]],
      [[], [["invalid_body", undefined]]],
    ];
    for (const [json, errors] of cases) {
      const res = await refused(json);
      expect(res.status, describeResponse(res)).toBe(400);
      expect(errorsOf(res), JSON.stringify(json)).toEqual(errors);
    }
  });

  it("accepts 1,000 items and refuses 1,001", async () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ segment_type: "3P", segment_id: 20_000 + i, name: `Bulk ${i}` }));
    const tooMany = await refused({ items: items(1001) });
    expect(tooMany.status, describeResponse(tooMany)).toBe(400);
    expect(errorsOf(tooMany)).toEqual([["too_long", "items"]]);
    const most = await bulk({ items: items(1000) });
    expect(most.status, describeResponse(most)).toBe(200);
    expect(most.body.meta).toMatchObject({ created: 1000, updated: 0 });
  });

  it("reports every invalid item with its field path, and writes none", async () => {
    const valid = (id: number) => ({ segment_type: "CONTEXTUAL", segment_id: id, name: `Valid ${id}` });
    const items: unknown[] = Array.from({ length: 20 }, (_, i) => valid(9100 + i));
    items[1] = { segment_type: "AUDIENCE", segment_id: 9101, name: "x" };
    items[2] = { segment_type: "3P", segment_id: "9102", name: "x" };
    items[3] = { segment_type: "3P", segment_id: 9103, name: "x", organization_id: 0 };
    items[4] = { segment_type: "3P", segment_id: 9104, name: "x", color: "red" };
    items[5] = { segment_type: "3P", segment_id: 9105 };
    items[6] = "not an item";
    items[9] = valid(9100); // repeats items[0]
    items[17] = { segment_type: "CONTEXTUAL", segment_id: 9117, name: "   " };
    const res = await refused({ items });
    expect(res.status, describeResponse(res)).toBe(400);
    expect(errorsOf(res)).toEqual([
      ["invalid_value", "items[1].segment_type"],
      ["invalid_type", "items[2].segment_id"],
      ["too_small", "items[3].organization_id"],
      ["unknown_field", "items[4].color"],
      ["required", "items[5].name"],
      ["invalid_type", "items[6]"],
      ["blank", "items[17].name"],
      ["duplicate_segment", "items[9].segment_id"],
    ]);
    expect(res.body.errors.find((e: { code: string }) => e.code === "duplicate_segment").message).toBe("repeats items[0]");
  });

  it("treats the same id under the other type as another segment, not a repeat", async () => {
    const res = await bulk({ items: [{ segment_type: "3P", segment_id: 9201, name: "a" }, { segment_type: "CONTEXTUAL", segment_id: 9201, name: "b" }] });
    expect(res.status, describeResponse(res)).toBe(200);
  });

  it("403 organization_forbidden for every item naming an organization the token lacks, before anything else", async () => {
    const res = await refused({
      items: [
        { segment_type: "3P", segment_id: 9301, name: "ok", organization_id: ORG },
        { segment_type: "3P", segment_id: 9302, name: "theirs", organization_id: OTHER_ORG },
        // Global while another organization owns the key privately: a 409, but the 403s come first.
        { segment_type: "3P", segment_id: 401, name: "taken" },
        { segment_type: "3P", segment_id: 9303, name: "someone's", organization_id: 4242 },
      ],
    });
    expect(res.status, describeResponse(res)).toBe(403);
    expect(errorsOf(res)).toEqual([
      ["organization_forbidden", "items[1].organization_id"],
      ["organization_forbidden", "items[3].organization_id"],
    ]);
  });

  it("writes the caller's own segment for a key another organization owns, exactly as for a free key", async () => {
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 9402, organization_id: OTHER_ORG }]);
    const res = await bulk({
      items: [
        { segment_type: "3P", segment_id: 401, name: "ours too", organization_id: ORG },
        { segment_type: "CONTEXTUAL", segment_id: 9402, name: "ours too", organization_id: ORG },
        { segment_type: "CONTEXTUAL", segment_id: 9403, name: "nobody's", organization_id: ORG },
      ],
    }, [ORG]);
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.meta).toMatchObject({ created: 3, updated: 0 });
    const theirs = await env.DB.prepare("SELECT name FROM segments WHERE segment_type = '3P' AND segment_id = 401 AND organization_id = ?1").bind(OTHER_ORG).first();
    expect(theirs).toEqual({ name: "Segment 3P 401" });
  });

  it("409 segment_owner_conflict for each item whose key is in the other key space; nothing is written", async () => {
    const res = await refused(
      {
        items: [
          { segment_type: "CONTEXTUAL", segment_id: 101, name: "claim a global one", organization_id: ORG },
          { segment_type: "3P", segment_id: 9501, name: "new and valid" },
          { segment_type: "3P", segment_id: 301, name: "make a private one global", organization_id: null },
          { segment_type: "3P", segment_id: 202, name: "rename a global one" },
          { segment_type: "3P", segment_id: 401, name: "ours as well", organization_id: ORG },
        ],
      },
      [ORG, OTHER_ORG],
    );
    expect(res.status, describeResponse(res)).toBe(409);
    expect(errorsOf(res)).toEqual([
      ["segment_owner_conflict", "items[0].organization_id"],
      ["segment_owner_conflict", "items[2].organization_id"],
    ]);
    expect(res.body.errors[0].message).toContain("global segment");
    expect(res.body.errors[1].message).toBe("1 organization owns this key privately; a key is either global or private.");
  });

  it("403 insufficient_permissions for every global item without write:catalog, then organization_forbidden, writing nothing", async () => {
    const before = await snapshotTables();
    const res = await call("POST", "/segments/bulk", {
      token: await tokenFor([ORG], TENANT_PERMISSIONS),
      json: {
        items: [
          { segment_type: "3P", segment_id: 9601, name: "ours", organization_id: ORG },
          { segment_type: "CONTEXTUAL", segment_id: 101, name: "rename a global one" },
          { segment_type: "3P", segment_id: 9602, name: "theirs", organization_id: OTHER_ORG },
          { segment_type: "3P", segment_id: 9603, name: "a new global one", organization_id: null },
        ],
      },
    });
    expect(res.status, describeResponse(res)).toBe(403);
    expect(errorsOf(res)).toEqual([
      ["insufficient_permissions", "items[1].organization_id"],
      ["insufficient_permissions", "items[3].organization_id"],
      ["organization_forbidden", "items[2].organization_id"],
    ]);
    expect(res.headers.get("WWW-Authenticate")).toContain('scope="write:catalog"');
    expect(await snapshotTables()).toEqual(before);
  });

  it("415 for a body that is not JSON", async () => {
    const res = await call("POST", "/segments/bulk", { token: await tokenFor([ORG]), rawBody: "items=1", headers: { "Content-Type": "text/plain" } });
    expect(res.status, describeResponse(res)).toBe(415);
  });
});
