import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf, type CallOptions } from "../helpers/api";
import { callWithUsage } from "../helpers/d1-usage";
import { snapshotTables } from "../helpers/db";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { newKey } from "../helpers/idempotency";
import { tokenFor } from "../helpers/tokens";

// POST /segment_groups under QUOTA_GROUPS_PER_ORGANIZATION: the guard is in the insert's own
// statement (src/db/quotas.ts), on the organization's counter, so no create passes it, not even
// concurrent ones, and a refused one writes nothing.

beforeAll(seedCatalog);

let nextOrg = 830_000;
const groupFor = (org: number, overrides: Record<string, unknown> = {}) =>
  validGroup({ organization_id: org, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }], ...overrides });
const withQuota = (quota: number): CallOptions["env"] => ({ QUOTA_GROUPS_PER_ORGANIZATION: String(quota) });

async function organizationWith(groups: number, quota: number) {
  const org = ++nextOrg;
  const token = await tokenFor([org]);
  const post = (options: CallOptions = {}) => call("POST", "/segment_groups", { token, json: groupFor(org), env: withQuota(quota), ...options });
  for (let i = 0; i < groups; i++) expect((await post()).status).toBe(201);
  return { org, token, post };
}

function expectQuotaExceeded(res: Awaited<ReturnType<typeof call>>, limit: number) {
  expect(res.status, describeResponse(res)).toBe(403);
  expect(errorsOf(res)).toEqual([{ code: "quota_exceeded", field: "organization_id" }]);
  expect(res.body.meta).toMatchObject({ status: "error", limit });
}

describe("POST /segment_groups — quota of groups", () => {
  it("creates up to the quota, then answers 403 quota_exceeded with meta.limit and writes nothing; a delete makes room", async () => {
    const { token, post } = await organizationWith(3, 3);
    const before = await snapshotTables();
    const refused = await post();
    expectQuotaExceeded(refused, 3);
    expect(await snapshotTables()).toEqual(before);
    // The quota is checked before the catalog: 403, not 404, for a group naming a missing segment too.
    expectQuotaExceeded(await post({ json: groupFor(nextOrg, { segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 999_999, segment_type: "3P" }] }] }) }), 3);

    const list = await call("GET", `/segment_groups?organization_id=${nextOrg}`, { token });
    expect((await call("DELETE", `/segment_groups/${list.body.data[0].id}`, { token })).status).toBe(204);
    expect((await post()).status).toBe(201);
    expectQuotaExceeded(await post(), 3);
    // Another organization's quota is its own.
    expect((await (await organizationWith(0, 3)).post()).status).toBe(201);
  });

  it("answers a dry run as the write would: 403 at the quota, 200 below it", async () => {
    const { post } = await organizationWith(2, 2);
    expectQuotaExceeded(await call("POST", "/segment_groups?dry_run=true", { token: await tokenFor([nextOrg]), json: groupFor(nextOrg), env: withQuota(2) }), 2);
    const below = await call("POST", "/segment_groups?dry_run=true", { token: await tokenFor([nextOrg]), json: groupFor(nextOrg), env: withQuota(3) });
    expect(below.status, describeResponse(below)).toBe(200);
    expect((await post({ env: withQuota(3) })).status).toBe(201);
  });

  it("replays an answered Idempotency-Key at the quota; a new key is refused and not kept", async () => {
    const { post } = await organizationWith(1, 2);
    const key = newKey();
    const first = await post({ headers: { "Idempotency-Key": key } });
    expect(first.status, describeResponse(first)).toBe(201);
    const replay = await post({ headers: { "Idempotency-Key": key } });
    expect(replay.status, describeResponse(replay)).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.data.id).toBe(first.body.data.id);

    const other = newKey();
    expectQuotaExceeded(await post({ headers: { "Idempotency-Key": other } }), 2);
    // The refusal stored no answer: with room, the same key does the work.
    const later = await post({ headers: { "Idempotency-Key": other }, env: withQuota(3) });
    expect(later.status, describeResponse(later)).toBe(201);
    expect(later.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("never overshoots under concurrent creates: at quota - 1, exactly one of many parallel creates succeeds", async () => {
    const { org, token, post } = await organizationWith(4, 5);
    const answers = await Promise.all(Array.from({ length: 12 }, () => post()));
    expect(answers.map((res) => res.status).sort()).toEqual([201, ...Array(11).fill(403)]);
    const usage = await call("GET", `/usage?organization_id=${org}`, { token, env: withQuota(5) });
    expect(usage.body.data[0]).toMatchObject({ organization_id: org, groups: 5, quota: { groups: 5 } });
  });

  it("costs one more row read per create than without quotas (the organization's counter), never a count of its groups", async () => {
    const { post } = await organizationWith(0, 10_000);
    const rowsRead: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { res, usage } = await callWithUsage("POST", "/segment_groups", { token: await tokenFor([nextOrg]), json: groupFor(nextOrg), env: withQuota(10_000) });
      expect(res.status).toBe(201);
      rowsRead.push(usage.d1_rows_read);
    }
    // The same create whether the organization holds 0 or 60 groups.
    for (let i = 0; i < 60; i++) await post();
    const { usage } = await callWithUsage("POST", "/segment_groups", { token: await tokenFor([nextOrg]), json: groupFor(nextOrg), env: withQuota(10_000) });
    expect(usage.d1_rows_read).toBe(rowsRead[2]);
  });
});
