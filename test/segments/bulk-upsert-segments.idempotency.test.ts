import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { callWithD1Usage, idempotencyKeysOf, newKey, withoutRequestId } from "../helpers/idempotency";
import { mintToken } from "../helpers/tokens";

beforeEach(seedCatalog);

const newSubject = () => `auth0|${crypto.randomUUID()}`;
const tokenOf = (sub: string) => mintToken({ claims: { sub, organization_ids: [ORG] } });

// Segment ids no other test of this file uses.
let nextId = 96_000;
const items = (count: number, organization_id: number | null = ORG) =>
  Array.from({ length: count }, () => ({ segment_type: "3P", segment_id: nextId++, name: "Bulk segment", organization_id }));

async function bulk(token: string, key: string | undefined, json: unknown) {
  return call("POST", "/segments/bulk", { token, json, headers: key === undefined ? {} : { "Idempotency-Key": key } });
}

async function revisionsOf(body: { items: { segment_id: number }[] }): Promise<number[]> {
  const ids = JSON.stringify(body.items.map((item) => item.segment_id));
  const rows = await env.DB.prepare("SELECT revision FROM segments WHERE segment_type = '3P' AND segment_id IN (SELECT value FROM json_each(?)) ORDER BY segment_id")
    .bind(ids)
    .all<{ revision: number }>();
  return rows.results.map((row) => row.revision);
}

describe("POST /segments/bulk — Idempotency-Key", () => {
  it("answers a retry with the stored 200, created counts included, byte for byte but for the request id, writing nothing", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const body = { items: items(3) };
    const first = await bulk(token, key, body);
    expect(first.status, describeResponse(first)).toBe(200);
    expect(first.body.meta).toMatchObject({ created: 3, updated: 0 });

    const before = await snapshotTables();
    const retry = await bulk(token, key, body);
    expect(retry.status, describeResponse(retry)).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(withoutRequestId(retry)).toBe(withoutRequestId(first));
    expect(await snapshotTables()).toEqual(before);
    expect(await revisionsOf(body)).toEqual([1, 1, 1]);
  });

  it("refuses the same key with other items: 422 idempotency_key_reused, writing nothing", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    await bulk(token, key, { items: items(2) });
    const before = await snapshotTables();
    const other = await bulk(token, key, { items: items(2) });
    expect(other.status, describeResponse(other)).toBe(422);
    expect(errorsOf(other)).toEqual([{ code: "idempotency_key_reused", field: "Idempotency-Key" }]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("stores nothing for a refused or forbidden request, so the corrected request may reuse the key", async () => {
    const subject = newSubject();
    const token = await tokenOf(subject);
    const key = newKey();
    const mine = items(2);
    // Global while another organization owns the key privately.
    const conflict = await bulk(token, key, { items: [...mine, { segment_type: "3P", segment_id: 401, name: "theirs" }] });
    expect(conflict.status, describeResponse(conflict)).toBe(409);
    const forbidden = await bulk(token, key, { items: items(1, OTHER_ORG) });
    expect(forbidden.status, describeResponse(forbidden)).toBe(403);
    const invalidKey = await bulk(token, "", { items: mine });
    expect(errorsOf(invalidKey)).toEqual([{ code: "invalid_value", field: "Idempotency-Key" }]);
    expect(await idempotencyKeysOf(subject)).toEqual([]);

    const corrected = await bulk(token, key, { items: mine });
    expect(corrected.status, describeResponse(corrected)).toBe(200);
    expect(corrected.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await idempotencyKeysOf(subject)).toEqual([{ route: "POST /segments/bulk", key, status: 200, expires_at: expect.any(String) }]);
  });

  it("costs one round trip of six statements with or without a key; the key adds its row and index entry, a replay writes none", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const body = { items: items(10) };
    const plain = await callWithD1Usage("POST", "/segments/bulk", { token, json: { items: items(10) } });
    const keyed = await callWithD1Usage("POST", "/segments/bulk", { token, json: body, headers: { "Idempotency-Key": key } });
    const replay = await callWithD1Usage("POST", "/segments/bulk", { token, json: body, headers: { "Idempotency-Key": key } });
    for (const { res } of [plain, keyed, replay]) expect(res.status, describeResponse(res)).toBe(200);
    expect([plain.queries, keyed.queries, replay.queries]).toEqual([1, 1, 1]);
    expect(keyed.rowsWritten).toBe(plain.rowsWritten + 2);
    expect(replay.rowsWritten).toBe(0);

    const { db, calls } = countingD1(env.DB);
    const counted = await call("POST", "/segments/bulk", { token, json: body, headers: { "Idempotency-Key": key }, env: { DB: db } });
    expect(counted.headers.get("Idempotent-Replayed")).toBe("true");
    expect(calls.map(({ kind, statements }) => ({ kind, statements }))).toEqual([{ kind: "batch", statements: 6 }]);
  });

  it("stores the answer to the largest request: 1,000 names of 255 three-byte characters", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const body = { items: items(1000).map((item) => ({ ...item, name: "語".repeat(255) })) };
    const first = await bulk(token, key, body);
    expect(first.status, describeResponse(first)).toBe(200);
    const retry = await bulk(token, key, body);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(withoutRequestId(retry)).toBe(withoutRequestId(first));
  });

  it("writes once for 20 concurrent requests with one key; every answer is that write's 200", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const body = { items: items(5) };
    const answers = await Promise.all(Array.from({ length: 20 }, () => bulk(token, key, body)));
    for (const res of answers) expect(res.status, describeResponse(res)).toBe(200);
    expect(answers.filter((res) => res.headers.get("Idempotent-Replayed") === null)).toHaveLength(1);
    expect(new Set(answers.map(withoutRequestId)).size).toBe(1);
    // Revision 1: each segment was written once, not replaced by a second upsert.
    expect(await revisionsOf(body)).toEqual([1, 1, 1, 1, 1]);
  });
});
