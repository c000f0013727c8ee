import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf, type ApiResponse, type CallOptions } from "../helpers/api";
import { snapshotTables } from "../helpers/db";
import { seedCatalog } from "../helpers/fixtures";
import { newKey } from "../helpers/idempotency";
import { tokenFor } from "../helpers/tokens";

// PUT /segments/{type}/{id} and POST /segments/bulk under QUOTA_SEGMENTS_PER_ORGANIZATION: only
// new private segments count; the guard is in the upsert's own statement (src/db/quotas.ts).

beforeAll(seedCatalog);

let nextOrg = 840_000;
let nextId = 840_000;
const withQuota = (quota: number): CallOptions["env"] => ({ QUOTA_SEGMENTS_PER_ORGANIZATION: String(quota) });

async function organization(quota: number) {
  const org = ++nextOrg;
  const token = await tokenFor([org]);
  const put = (id: number, body: Record<string, unknown> = { name: "s", organization_id: org }, q = quota) =>
    call("PUT", `/segments/3P/${id}`, { token, json: body, env: withQuota(q) });
  const bulk = (items: unknown[], options: CallOptions = {}) => call("POST", "/segments/bulk", { token, json: { items }, env: withQuota(quota), ...options });
  return { org, token, put, bulk };
}

function expectQuotaExceeded(res: ApiResponse, field: string, limit: number) {
  expect(res.status, describeResponse(res)).toBe(403);
  expect(errorsOf(res)).toEqual([{ code: "quota_exceeded", field }]);
  expect(res.body.meta).toMatchObject({ status: "error", limit });
}

describe("PUT /segments — quota of private segments", () => {
  it("creates up to the quota, then 403 quota_exceeded on organization_id writing nothing; replacing one, or a global segment, still works", async () => {
    const { org, put } = await organization(2);
    const [a, b, c] = [++nextId, ++nextId, ++nextId];
    expect((await put(a)).status).toBe(201);
    expect((await put(b)).status).toBe(201);
    const before = await snapshotTables();
    expectQuotaExceeded(await put(c), "organization_id", 2);
    expect(await snapshotTables()).toEqual(before);
    expect((await put(a, { name: "renamed", organization_id: org })).status).toBe(200);
    expect((await put(++nextId, { name: "global" })).status).toBe(201);
  });

  it("never overshoots under concurrent creates: at quota - 1, exactly one of many parallel PUTs succeeds", async () => {
    const { org, token, put } = await organization(3);
    for (let i = 0; i < 2; i++) expect((await put(++nextId)).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 10 }, () => put(++nextId)));
    expect(answers.map((res) => res.status).sort()).toEqual([201, ...Array(9).fill(403)]);
    const usage = await call("GET", `/usage?organization_id=${org}`, { token, env: withQuota(3) });
    expect(usage.body.data[0]).toMatchObject({ segments: 3, quota: { segments: 3 } });
  });
});

describe("POST /segments/bulk — quota of private segments", () => {
  it("refuses the whole request on `items` when its new private segments would pass the quota, writing nothing; replaced ones do not count", async () => {
    const { org, bulk } = await organization(3);
    const existing = { segment_type: "3P", segment_id: ++nextId, name: "e", organization_id: org };
    expect((await bulk([existing])).status).toBe(200);
    const fresh = () => ({ segment_type: "3P", segment_id: ++nextId, name: "n", organization_id: org });
    const before = await snapshotTables();
    expectQuotaExceeded(await bulk([fresh(), fresh(), fresh()]), "items", 3);
    expect(await snapshotTables()).toEqual(before);
    const fits = await bulk([{ ...existing, name: "e2" }, fresh(), fresh(), { segment_type: "3P", segment_id: ++nextId, name: "global" }]);
    expect(fits.status, describeResponse(fits)).toBe(200);
    expect(fits.body.meta).toEqual(expect.objectContaining({ created: 3, updated: 1 }));
  });

  it("keeps no answer under an Idempotency-Key it refused: with room, the same key and body do the work", async () => {
    const { org, bulk } = await organization(1);
    const items = [1, 2].map(() => ({ segment_type: "3P", segment_id: ++nextId, name: "k", organization_id: org }));
    const key = newKey();
    expectQuotaExceeded(await bulk(items, { headers: { "Idempotency-Key": key } }), "items", 1);
    const later = await bulk(items, { headers: { "Idempotency-Key": key }, env: withQuota(2) });
    expect(later.status, describeResponse(later)).toBe(200);
    expect(later.headers.get("Idempotent-Replayed")).toBeNull();
    expect(later.body.data).toHaveLength(2);
  });
});
