import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { expectErrorLogs } from "../helpers/expected-logs";
import { countingD1 } from "../helpers/counting-d1";
import { countRows, snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeEach(seedCatalog);

const items = (count: number, first: number, organization_id: number | null = ORG) =>
  Array.from({ length: count }, (_, i) => ({ segment_type: i % 2 ? "3P" : "CONTEXTUAL", segment_id: first + i, name: `Segment ${first + i}`, organization_id }));

async function countedBulk(json: unknown, organizations = [ORG]) {
  const { db, calls } = countingD1(env.DB);
  const res = await call("POST", "/segments/bulk", { token: await tokenFor(organizations), json, env: { DB: db } });
  return { res, calls };
}

describe("POST /segments/bulk — storage", () => {
  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 round trip whose statement count does not grow with items, to create or to replace", async () => {
    const costs: Record<string, { kind: string; statements: number }[]> = {};
    for (const [label, body, created] of [
      ["1 new", { items: items(1, 30_000) }, 1],
      ["1,000 new", { items: items(1000, 40_000) }, 1000],
      ["1,000 replaced", { items: items(1000, 40_000).map((s) => ({ ...s, name: `${s.name} v2` })) }, 0],
    ] as const) {
      const { res, calls } = await countedBulk(body);
      expect(res.status, describeResponse(res)).toBe(200);
      expect(res.body.meta.created, label).toBe(created);
      costs[label] = calls.map(({ kind, statements }) => ({ kind, statements }));
    }
    // The key's answer, the refusals, the upsert, the quota's refusal, the rows, the key.
    expect(costs["1 new"]).toEqual([{ kind: "batch", statements: 6 }]);
    expect(costs["1,000 new"]).toEqual(costs["1 new"]);
    expect(costs["1,000 replaced"]).toEqual(costs["1 new"]);
  });

  it("binds at most 20 parameters per statement, whatever the payload", async () => {
    const { res, calls } = await countedBulk({ items: items(1000, 50_000) });
    expect(res.status, describeResponse(res)).toBe(200);
    for (const sql of calls.flatMap((c) => c.sql)) expect(sql.split("?").length - 1).toBeLessThanOrEqual(20);
  });

  it("answers a refused item within that single round trip, and a forbidden organization without any", async () => {
    // Global while another organization owns the key privately.
    const conflict = await countedBulk({ items: [...items(999, 60_000), { segment_type: "3P", segment_id: 401, name: "theirs" }] });
    expect(conflict.res.status, describeResponse(conflict.res)).toBe(409);
    expect(conflict.calls.map((c) => [c.kind, c.statements])).toEqual([["batch", 6]]);
    const forbidden = await countedBulk({ items: items(2, 60_000, OTHER_ORG) });
    expect(forbidden.res.status, describeResponse(forbidden.res)).toBe(403);
    expect(forbidden.calls).toEqual([]);
  });

  it("is atomic: a failure inside the batch writes no item, and answers 503 in the envelope", async () => {
    const logs = expectErrorLogs();
    await call("POST", "/segments/bulk", { token: await tokenFor([ORG]), json: { items: items(3, 70_000) } });
    const before = await snapshotTables();
    // Make the database reject one item's row mid-statement, as a constraint or outage would.
    await env.DB.exec("CREATE TRIGGER fail_one_segment BEFORE INSERT ON segments WHEN NEW.segment_id = 70010 BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    try {
      const res = await call("POST", "/segments/bulk", { token: await tokenFor([ORG]), json: { items: items(20, 70_000) } });
      expect(res.status, describeResponse(res)).toBe(503);
      expect(res.body.errors).toEqual([{ code: "database_unavailable", message: expect.any(String) }]);
      expect(res.text).not.toContain("injected");
      expect(logs.events()).toEqual(["database_error"]);
    } finally {
      await env.DB.exec("DROP TRIGGER fail_one_segment");
    }
    expect(await snapshotTables()).toEqual(before);
    expect(await countRows("segments")).toBe(before.segments!.length);
  });
});

describe("POST /segments/bulk — names that grow when folded", () => {
  it("413 payload_too_large, without a D1 call, when the folded names would overflow one D1 parameter", async () => {
    // U+FDFA is one character whose NFKC form has 18: 1,000 such names fit the 1 MiB body,
    // but their folded forms exceed the 2,000,000 bytes D1 accepts in one string.
    const name = "\uFDFA".repeat(255);
    const before = await snapshotTables();
    const big = await countedBulk({ items: Array.from({ length: 1000 }, (_, i) => ({ segment_type: "3P", segment_id: 80_000 + i, name })) });
    expect(big.res.status, describeResponse(big.res)).toBe(413);
    expect(big.res.body.errors).toEqual([{ code: "payload_too_large", field: "items", message: expect.any(String) }]);
    expect(big.calls).toEqual([]);
    expect(await snapshotTables()).toEqual(before);

    const fewer = await countedBulk({ items: Array.from({ length: 200 }, (_, i) => ({ segment_type: "3P", segment_id: 80_000 + i, name })) });
    expect(fewer.res.status, describeResponse(fewer.res)).toBe(200);
  });

  it("stores 1,000 names of 255 three-byte characters", async () => {
    const name = "語".repeat(255);
    const { res } = await countedBulk({ items: Array.from({ length: 1000 }, (_, i) => ({ segment_type: "CONTEXTUAL", segment_id: 90_000 + i, name })) });
    expect(res.status, describeResponse(res)).toBe(200);
  });
});
