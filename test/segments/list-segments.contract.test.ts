import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { seedSegments } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

const THIRD_ORG = 4242;

beforeAll(async () => {
  await seedCatalog();
  await seedSegments([
    { segment_type: "CONTEXTUAL", segment_id: 7001, name: "Élan runners", organization_id: ORG },
    { segment_type: "3P", segment_id: 7002, name: "100% organic", organization_id: null },
    { segment_type: "3P", segment_id: 7003, name: "Third party only", organization_id: THIRD_ORG },
  ]);
  // seedSegments folds names with SQLite's ASCII lower(); store the Worker's fold for "É".
  await env.DB.prepare("UPDATE segments SET name_folded = 'élan runners' WHERE segment_id = 7001").run();
});

async function list(query: string, organizations = [ORG]) {
  return call("GET", `/segments${query}`, { token: await tokenFor(organizations) });
}

const keys = (res: { body: { data: { segment_type: string; segment_id: number }[] } }) =>
  res.body.data.map((s) => `${s.segment_type}:${s.segment_id}`);

describe("GET /segments", () => {
  it("lists global segments and the caller's organizations' in key order, as segmentSchema items", async () => {
    const res = await list("");
    expect(res.status, describeResponse(res)).toBe(200);
    expect(keys(res)).toEqual(["3P:201", "3P:202", "3P:301", "3P:7002", "CONTEXTUAL:101", "CONTEXTUAL:102", "CONTEXTUAL:103", "CONTEXTUAL:7001"]);
    expect(res.body.data[0]).toEqual({
      segment_type: "3P",
      segment_id: 201,
      name: "Segment 3P 201",
      organization_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.body.meta).toEqual({ status: "success", request_id: expect.any(String), next_cursor: null, has_more: false });
  });

  it("shows each organization's segments to its members only", async () => {
    expect(keys(await list("", [OTHER_ORG]))).toEqual(["3P:201", "3P:202", "3P:401", "3P:7002", "CONTEXTUAL:101", "CONTEXTUAL:102", "CONTEXTUAL:103"]);
    expect(keys(await list("", [ORG, OTHER_ORG]))).toContain("3P:401");
    expect(keys(await list("", []))).toEqual(["3P:201", "3P:202", "3P:7002", "CONTEXTUAL:101", "CONTEXTUAL:102", "CONTEXTUAL:103"]);
  });

  it("organization_id lists that organization's own segments only, without global ones", async () => {
    const res = await list(`?organization_id=${ORG}`, [ORG, OTHER_ORG]);
    expect(res.status, describeResponse(res)).toBe(200);
    expect(keys(res)).toEqual(["3P:301", "CONTEXTUAL:7001"]);
    expect(keys(await list(`?organization_id=${OTHER_ORG}`, [ORG, OTHER_ORG]))).toEqual(["3P:401"]);
  });

  it("403 organization_forbidden for an organization_id the token does not hold", async () => {
    const res = await list(`?organization_id=${THIRD_ORG}`);
    expect(res.status, describeResponse(res)).toBe(403);
    expect(res.body.errors).toEqual([{ code: "organization_forbidden", field: "organization_id", message: expect.any(String) }]);
  });

  it("type keeps one segment type", async () => {
    expect(keys(await list("?type=CONTEXTUAL"))).toEqual(["CONTEXTUAL:101", "CONTEXTUAL:102", "CONTEXTUAL:103", "CONTEXTUAL:7001"]);
    expect(keys(await list(`?type=3P&organization_id=${ORG}`))).toEqual(["3P:301"]);
  });

  it("q matches part of the name in any case, Unicode included, with % and _ as plain characters", async () => {
    expect(keys(await list("?q=%C3%89LAN"))).toEqual(["CONTEXTUAL:7001"]);
    expect(keys(await list("?q=segment%203p"))).toEqual(["3P:201", "3P:202", "3P:301"]);
    expect(keys(await list("?q=0%25"))).toEqual(["3P:7002"]);
    expect(keys(await list("?q=_"))).toEqual([]);
    expect(keys(await list("?q=third"))).toEqual([]);
  });

  it("combines the filters with paging", async () => {
    const first = await list("?type=3P&q=segment&limit=2");
    expect(keys(first)).toEqual(["3P:201", "3P:202"]);
    expect(first.body.meta).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    const second = await list(`?type=3P&q=segment&limit=2&cursor=${first.body.meta.next_cursor}`);
    expect(keys(second)).toEqual(["3P:301"]);
    expect(second.body.meta).toMatchObject({ has_more: false, next_cursor: null });
  });

  it("400 for every invalid parameter, each named in `field`", async () => {
    const cases: [string, string, string][] = [
      ["?type=AUDIENCE", "type", "invalid_value"],
      ["?type=3P&type=CONTEXTUAL", "type", "invalid_type"],
      ["?limit=5&limit=6", "limit", "invalid_type"],
      ["?q=", "q", "too_short"],
      ["?q=%20%20", "q", "blank"],
      [`?q=${"a".repeat(256)}`, "q", "too_long"],
      ["?organization_id=0", "organization_id", "too_small"],
      ["?organization_id=abc", "organization_id", "invalid_value"],
      ["?limit=0", "limit", "too_small"],
      ["?limit=101", "limit", "too_large"],
      ["?limit=ten", "limit", "invalid_type"],
      ["?cursor=nope!", "cursor", "invalid_value"],
      [`?cursor=${btoa(JSON.stringify(["AUDIENCE", 1]))}`, "cursor", "invalid_value"],
      [`?cursor=${btoa(JSON.stringify(["3P", 0]))}`, "cursor", "invalid_value"],
      ["?page=2", "page", "unknown_field"],
    ];
    for (const [query, field, code] of cases) {
      const res = await list(query);
      expect(res.status, `${query}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors.map((e: { code: string; field: string }) => [e.code, e.field]), query).toEqual([[code, field]]);
    }
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 query per page, whatever the filters", async () => {
    for (const query of ["", "?type=3P&q=segment&limit=2", `?organization_id=${ORG}`]) {
      const { db, calls } = countingD1(env.DB);
      const res = await call("GET", `/segments${query}`, { token: await tokenFor([ORG]), env: { DB: db } });
      expect(res.status, describeResponse(res)).toBe(200);
      expect(calls.map((c) => c.statements), query).toEqual([1]);
    }
  });
});
