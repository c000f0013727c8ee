import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { allRows, SHARDED } from "../helpers/shards";
import { tokenFor } from "../helpers/tokens";
import { Database } from "../../src/db/database";
import { deleteGlobalSegment } from "../../src/db/segments/global-writes";
import { shardBinding, shardNames } from "../../src/db/shards/bindings";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";

// Run by `npm run test:shards`. A global segment has a copy on every shard; deleting it must
// never leave the shards disagreeing, whichever way a create on another shard races the delete
// (docs/storage.md, "Shards").
const ORGS = [73001, 73002, 73003];

const shards = () => shardNames(env).map((shard) => ({ shard, db: new Database(shardBinding(env, shard)) }));
const copies = async (id: number) => (await allRows<{ n: number }>("SELECT count(*) AS n FROM segments WHERE segment_type = 'CONTEXTUAL' AND segment_id = ? AND organization_id IS NULL", id)).map((r) => r.n);
const retirements = async () => (await allRows<{ n: number }>("SELECT count(*) AS n FROM segment_retirements")).reduce((a, r) => a + r.n, 0);
const users = async (id: number) =>
  (await allRows<{ n: number }>("SELECT count(*) AS n FROM segment_groups WHERE instr(subgroups, ?) > 0", `{"segment_id":${id},"segment_type":"CONTEXTUAL"}`)).reduce((a, r) => a + r.n, 0);

describe.runIf(SHARDED)("shards: deleting a global segment that a create races", () => {
  let admin: string;
  let tenant: string;

  const put = async (id: number) => {
    const res = await call("PUT", `/segments/CONTEXTUAL/${id}`, { token: admin, json: { name: `Global ${id}` } });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(await copies(id), "a copy on every shard").toEqual(shardNames(env).map(() => 1));
  };
  const create = (org: number, id: number) =>
    call("POST", "/segment_groups", {
      token: tenant,
      json: validGroup({ organization_id: org, segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: id, segment_type: "CONTEXTUAL" }] }] }),
    });

  beforeAll(async () => {
    await seedCatalog();
    admin = await tokenFor(ORGS, [...TENANT_PERMISSIONS, "write:catalog"]);
    tenant = await tokenFor(ORGS);
    // Place the three organizations (on three shards: each new one goes to the emptiest).
    for (const org of ORGS) expect((await create(org, 101)).status).toBe(201);
    const placed = await env.DB.prepare("SELECT count(DISTINCT shard) AS n FROM organization_shards WHERE organization_id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ORGS)).first<{ n: number }>();
    expect(placed!.n).toBe(3);
  });

  it("a group created before the delete on any shard keeps the segment everywhere: 409 with the total", async () => {
    await put(7101);
    expect((await create(ORGS[2]!, 7101)).status).toBe(201);
    expect((await create(ORGS[1]!, 7101)).status).toBe(201);
    const res = await call("DELETE", "/segments/CONTEXTUAL/7101", { token: admin });
    expect(res.status, describeResponse(res)).toBe(409);
    expect(res.body.meta.group_count).toBe(2);
    expect(await copies(7101)).toEqual([1, 1, 1]);
    expect(await retirements()).toBe(0);
    // Retirement lifted: new groups may use it again on every shard.
    expect((await create(ORGS[0]!, 7101)).status).toBe(201);
  });

  it("a create after the retirement is refused like a missing segment, and the delete completes everywhere", async () => {
    await put(7102);
    let raced: Awaited<ReturnType<typeof create>> | undefined;
    const outcome = await deleteGlobalSegment(shards(), { segmentType: "CONTEXTUAL", segmentId: 7102 }, new Date().toISOString(), {
      afterRetire: async () => {
        raced = await create(ORGS[2]!, 7102);
      },
    });
    expect(raced!.status, describeResponse(raced!)).toBe(404);
    expect(errorsOf(raced!)[0]!.code).toBe("segment_not_found");
    expect(outcome).toEqual({ outcome: "deleted" });
    expect(await copies(7102)).toEqual([0, 0, 0]);
    expect(await users(7102)).toBe(0);
    expect(await retirements()).toBe(0);
  });

  it("a create between the count and the delete is refused too: no shard gains a user once it is retired", async () => {
    await put(7103);
    let raced: Awaited<ReturnType<typeof create>> | undefined;
    const outcome = await deleteGlobalSegment(shards(), { segmentType: "CONTEXTUAL", segmentId: 7103 }, new Date().toISOString(), {
      afterCount: async () => {
        raced = await create(ORGS[1]!, 7103);
      },
    });
    expect(raced!.status).toBe(404);
    expect(outcome).toEqual({ outcome: "deleted" });
    expect(await copies(7103)).toEqual([0, 0, 0]);
  });

  it("under any interleaving of a DELETE and creates on every shard, the shards end agreeing", async () => {
    const outcomes = new Set<number>();
    for (let round = 0; round < 12; round++) {
      const id = 7200 + round;
      await put(id);
      // The delete starts first in half the rounds; the creates land before, during or after its steps.
      const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const creates = ORGS.map(async (org, i) => {
        await wait(round % 2 === 0 ? (round % 6) * 4 * (i + 1) : 0);
        return create(org, id);
      });
      const deleted = (async () => {
        await wait(round % 2 === 1 ? round % 5 : 0);
        return call("DELETE", `/segments/CONTEXTUAL/${id}`, { token: admin });
      })();
      const [answer, ...created] = await Promise.all([deleted, ...creates]);
      outcomes.add(answer.status);
      const exists = await copies(id);
      expect(new Set(exists).size, `round ${round}: copies ${exists}`).toBe(1);
      const madeGroups = created.filter((r) => r.status === 201).length;
      if (answer.status === 204) {
        expect(exists[0]).toBe(0);
        expect(madeGroups).toBe(0);
        expect(await users(id)).toBe(0);
      } else {
        expect(answer.status, describeResponse(answer)).toBe(409);
        expect(exists[0]).toBe(1);
        expect(await users(id)).toBeGreaterThan(0);
        expect(answer.body.meta.group_count).toBeLessThanOrEqual(madeGroups);
      }
      expect(created.every((r) => r.status === 201 || r.status === 404), created.map((r) => r.status).join()).toBe(true);
      expect(await retirements()).toBe(0);
    }
    // Both endings happened: the races were real.
    expect(outcomes).toEqual(new Set([204, 409]));
  });

  it("refuses to make global a key an organization owns on any shard, and writes no copy", async () => {
    const own = await call("PUT", `/segments/CONTEXTUAL/7301`, { token: tenant, json: { name: "Mine", organization_id: ORGS[2] } });
    expect(own.status, describeResponse(own)).toBe(201);
    const res = await call("PUT", "/segments/CONTEXTUAL/7301", { token: admin, json: { name: "Global" } });
    expect(res.status, describeResponse(res)).toBe(409);
    expect(errorsOf(res)[0]!.code).toBe("segment_owner_conflict");
    expect(await copies(7301)).toEqual([0, 0, 0]);
  });
});
