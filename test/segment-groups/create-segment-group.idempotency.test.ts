import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { snapshotTables } from "../helpers/db";
import { member, ORG, OTHER_ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { callWithD1Usage, idempotencyKeysOf, newKey, withoutRequestId } from "../helpers/idempotency";
import { mintToken } from "../helpers/tokens";

beforeEach(seedCatalog);

// Each test acts as its own caller, so keys and counts never mix between tests.
const newSubject = () => `auth0|${crypto.randomUUID()}`;
const tokenOf = (sub: string, organization_ids = [ORG], extra: Record<string, unknown> = {}) =>
  mintToken({ claims: { sub, organization_ids, ...extra } });

async function create(token: string, key: string | undefined, json: unknown = validGroup()) {
  return call("POST", "/segment_groups", { token, json, headers: key === undefined ? {} : { "Idempotency-Key": key } });
}

async function groupsNamed(name: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM segment_groups WHERE name = ?").bind(name).first<{ n: number }>();
  return row!.n;
}

describe("POST /segment_groups — Idempotency-Key", () => {
  it("answers a retry with the stored 201, byte for byte but for the request id, marked Idempotent-Replayed, writing nothing", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const first = await create(token, key);
    expect(first.status, describeResponse(first)).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();

    const before = await snapshotTables();
    const retry = await create(token, key);
    expect(retry.status, describeResponse(retry)).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    for (const header of ["Location", "ETag", "Content-Type"]) expect(retry.headers.get(header), header).toBe(first.headers.get(header));
    expect(withoutRequestId(retry)).toBe(withoutRequestId(first));
    expect(retry.body.meta.request_id).not.toBe(first.body.meta.request_id);
    expect(await snapshotTables()).toEqual(before);
  });

  it("replays the answer as it was, even after the group changed or is gone", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const first = await create(token, key);
    const id = first.body.data.id as string;
    const patched = await call("PATCH", `/segment_groups/${id}`, { token, json: { name: "Renamed since" } });
    expect(patched.status, describeResponse(patched)).toBe(200);
    expect(withoutRequestId(await create(token, key))).toBe(withoutRequestId(first));

    const deleted = await call("DELETE", `/segment_groups/${id}`, { token });
    expect(deleted.status, describeResponse(deleted)).toBe(204);
    const retry = await create(token, key);
    expect(retry.status, describeResponse(retry)).toBe(201);
    expect(withoutRequestId(retry)).toBe(withoutRequestId(first));
  });

  it("treats the same body spelled differently (key order, spacing, escapes) as the same request", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const first = await create(token, key, validGroup({ name: "Spelled once" }));
    const reordered = Object.fromEntries(Object.entries(validGroup({ name: "Spelled once" })).reverse());
    const retry = await call("POST", "/segment_groups", {
      token,
      rawBody: JSON.stringify(reordered, null, 2).replace("Spelled once", "Spelled \\u006fnce"),
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    });
    expect(retry.status, describeResponse(retry)).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body.data.id).toBe(first.body.data.id);
  });

  it("refuses a malformed key with 400 invalid_value on the header before any other check of the request, writing nothing", async () => {
    const subject = newSubject();
    const token = await tokenOf(subject);
    const before = await snapshotTables();
    for (const key of ["", "x".repeat(256), "del\u007f", "tab\there", '"unterminated']) {
      const res = await create(token, key);
      expect(errorsOf(res), JSON.stringify(key)).toEqual([{ code: "invalid_value", field: "Idempotency-Key" }]);
      // A 400 like the body's problems: before the organization check (403).
      const forbidden = await create(token, key, validGroup({ organization_id: OTHER_ORG }));
      expect(errorsOf(forbidden), JSON.stringify(key)).toEqual([{ code: "invalid_value", field: "Idempotency-Key" }]);
    }
    expect(await snapshotTables()).toEqual(before);
    const longest = await create(token, "x".repeat(255));
    expect(longest.status, describeResponse(longest)).toBe(201);
  });

  it("takes the draft's quoted form as the same key as the bare one", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const first = await create(token, key);
    const quoted = await create(token, `"${key}"`);
    expect(quoted.headers.get("Idempotent-Replayed")).toBe("true");
    expect(quoted.body.data.id).toBe(first.body.data.id);
  });

  it("refuses a key from a token without sub, which could not keep it apart from other callers' keys", async () => {
    const token = await mintToken({ claims: { sub: undefined } });
    const res = await create(token, newKey());
    expect(errorsOf(res)).toEqual([{ code: "invalid_value", field: "Idempotency-Key" }]);
    const withoutKey = await create(token, undefined);
    expect(withoutKey.status, describeResponse(withoutKey)).toBe(201);
  });

  it("refuses the same key with a different body: 422 idempotency_key_reused, writing nothing", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    await create(token, key, validGroup({ name: "The first request" }));
    const before = await snapshotTables();
    const other = await create(token, key, validGroup({ name: "Another request" }));
    expect(other.status, describeResponse(other)).toBe(422);
    expect(errorsOf(other)).toEqual([{ code: "idempotency_key_reused", field: "Idempotency-Key" }]);
    expect(await snapshotTables()).toEqual(before);
  });

  it("scopes keys by caller: another sub with the same key and body creates its own group", async () => {
    const key = newKey();
    const name = `Scoped by sub ${key}`;
    const mine = await create(await tokenOf(newSubject()), key, validGroup({ name }));
    const theirs = await create(await tokenOf(newSubject()), key, validGroup({ name }));
    expect(theirs.status, describeResponse(theirs)).toBe(201);
    expect(theirs.headers.get("Idempotent-Replayed")).toBeNull();
    expect(theirs.body.data.id).not.toBe(mine.body.data.id);
    expect(await groupsNamed(name)).toBe(2);
  });

  it("scopes keys by route: the key of a bulk upsert is new to POST /segment_groups", async () => {
    const subject = newSubject();
    const token = await tokenOf(subject);
    const key = newKey();
    const bulk = await call("POST", "/segments/bulk", {
      token,
      json: { items: [{ segment_type: "3P", segment_id: 95_001, name: "Scoped by route" }] },
      headers: { "Idempotency-Key": key },
    });
    expect(bulk.status, describeResponse(bulk)).toBe(200);
    const created = await create(token, key);
    expect(created.status, describeResponse(created)).toBe(201);
    expect(created.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await idempotencyKeysOf(subject)).map((row) => row.route)).toEqual(["POST /segment_groups", "POST /segments/bulk"]);
  });

  it("stores nothing for a failed request, so the corrected request may reuse the key", async () => {
    const subject = newSubject();
    const token = await tokenOf(subject);
    const key = newKey();
    const missing = await create(token, key, validGroup({ segment_subgroup: [{ segment_operator: "OR", segment_members: [member(999_999, "3P")] }] }));
    expect(missing.status, describeResponse(missing)).toBe(404);
    const forbidden = await create(token, key, validGroup({ organization_id: OTHER_ORG }));
    expect(forbidden.status, describeResponse(forbidden)).toBe(403);
    const invalid = await create(token, key, validGroup({ type: "NOPE" }));
    expect(invalid.status, describeResponse(invalid)).toBe(400);
    expect(await idempotencyKeysOf(subject)).toEqual([]);

    const corrected = await create(token, key);
    expect(corrected.status, describeResponse(corrected)).toBe(201);
    expect(corrected.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await idempotencyKeysOf(subject)).toEqual([{ route: "POST /segment_groups", key, status: 201, expires_at: expect.any(String) }]);
  });

  it("stores nothing when the database fails mid-batch (503), so the retry does the work", async () => {
    const subject = newSubject();
    const token = await tokenOf(subject);
    const key = newKey();
    await env.DB.exec("CREATE TRIGGER fail_members BEFORE INSERT ON segment_group_index_backlog BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    // The expected database_error line is checked, not printed.
    const errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const failed = await create(token, key);
      expect(failed.status, describeResponse(failed)).toBe(503);
      expect(errorSpy.mock.calls.map((args) => JSON.parse(String(args[0])).event)).toEqual(["database_error"]);
    } finally {
      errorSpy.mockRestore();
      await env.DB.exec("DROP TRIGGER fail_members");
    }
    expect(await idempotencyKeysOf(subject)).toEqual([]);
    const retry = await create(token, key);
    expect(retry.status, describeResponse(retry)).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("looks the key up only after authentication, permission, validation and organization checks", async () => {
    const subject = newSubject();
    const key = newKey();
    const first = await create(await tokenOf(subject), key);
    expect(first.status, describeResponse(first)).toBe(201);

    // The same caller and body, each time short of one check: the check answers, never the replay.
    const noToken = await call("POST", "/segment_groups", { json: validGroup(), headers: { "Idempotency-Key": key } });
    expect(noToken.status, describeResponse(noToken)).toBe(401);
    const noPermission = await create(await tokenOf(subject, [ORG], { permissions: ["read:segment_groups"] }), key);
    expect(errorsOf(noPermission)).toEqual([{ code: "insufficient_permissions" }]);
    const otherOrganization = await create(await tokenOf(subject, [OTHER_ORG]), key);
    expect(errorsOf(otherOrganization)).toEqual([{ code: "organization_forbidden", field: "organization_id" }]);
    for (const res of [noToken, noPermission, otherOrganization]) expect(res.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("costs one round trip with or without a key, and a replay writes no row", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const plain = await callWithD1Usage("POST", "/segment_groups", { token, json: validGroup() });
    const keyed = await callWithD1Usage("POST", "/segment_groups", { token, json: validGroup(), headers: { "Idempotency-Key": key } });
    const replay = await callWithD1Usage("POST", "/segment_groups", { token, json: validGroup(), headers: { "Idempotency-Key": key } });
    for (const { res } of [plain, keyed, replay]) expect(res.status, describeResponse(res)).toBe(201);
    expect([plain.queries, keyed.queries, replay.queries]).toEqual([1, 1, 1]);
    // The key row and its expires_at index entry; nothing else changes.
    expect(keyed.rowsWritten).toBe(plain.rowsWritten + 2);
    expect(replay.rowsWritten).toBe(0);

    const { db, calls } = countingD1(env.DB);
    const counted = await call("POST", "/segment_groups", { token, json: validGroup(), headers: { "Idempotency-Key": key }, env: { DB: db } });
    expect(counted.headers.get("Idempotent-Replayed")).toBe("true");
    expect(calls.map(({ kind, statements }) => ({ kind, statements }))).toEqual([{ kind: "batch", statements: 10 }]);
  });

  it("creates exactly one group for 20 concurrent requests with one key; every answer is that group's 201", async () => {
    const token = await tokenOf(newSubject());
    const key = newKey();
    const name = `Concurrent ${key}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => create(token, key, validGroup({ name }))));
    for (const res of answers) expect(res.status, describeResponse(res)).toBe(201);
    const originals = answers.filter((res) => res.headers.get("Idempotent-Replayed") === null);
    expect(originals).toHaveLength(1);
    expect(new Set(answers.map((res) => res.body.data.id))).toEqual(new Set([originals[0]!.body.data.id]));
    expect(new Set(answers.map(withoutRequestId)).size).toBe(1);
    expect(await groupsNamed(name)).toBe(1);
  });
});
