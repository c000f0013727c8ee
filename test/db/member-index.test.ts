import { env } from "cloudflare:workers";
import fc from "fast-check";
import { createScheduledController } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { Database, emptyUsage } from "../../src/db/database";
import { newEtag, newSegmentGroupId } from "../../src/db/ids";
import { subgroupsDocument } from "../../src/db/segment-groups/document";
import { deleteSegmentGroup } from "../../src/db/segment-groups/delete";
import { listSegmentGroupsUsingSegment } from "../../src/db/segment-groups/list-by-segment";
import { insertSegmentGroup } from "../../src/db/segment-groups/insert";
import { BACKLOG_LIMITS, groupKeysUsingSegmentSql, mergeBacklog } from "../../src/db/segment-groups/member-index";
import { updateSegmentGroup } from "../../src/db/segment-groups/update";
import { deleteUnusedSegment } from "../../src/db/segments/delete";
import { call, describeResponse } from "../helpers/api";
import { countRows, mergeIndexBacklog, seedSegments, snapshotTables } from "../helpers/db";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { groupWithMembers, seedBulkCatalog } from "../helpers/large-groups";
import { tokenFor } from "../helpers/tokens";

beforeEach(async () => {
  await seedCatalog();
  // Each test starts from an empty backlog, whatever the file's earlier tests left queued.
  await mergeIndexBacklog();
});

const members = (...ids: number[]) => [{ segment_operator: "OR", segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" })) }];

async function create(body: Record<string, unknown>) {
  const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup(body) });
  expect(res.status, describeResponse(res)).toBe(201);
  return res.body.data.id as string;
}

async function usersOf(segment: string): Promise<string[]> {
  const res = await call("GET", `/segment_groups?segment=${segment}&view=summary&limit=100`, { token: await tokenFor([ORG]) });
  expect(res.status, describeResponse(res)).toBe(200);
  return (res.body.data as { id: string }[]).map((g) => g.id).sort();
}

async function keyOf(id: string): Promise<number> {
  return (await env.DB.prepare("SELECT index_key FROM segment_groups WHERE id = ?").bind(id).first<{ index_key: number }>())!.index_key;
}

async function indexRowsOfKey(key: number): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT segment_type || ':' || segment_id AS k FROM segment_group_members WHERE group_key = ? ORDER BY 1").bind(key).all<{ k: string }>();
  return results.map((r) => r.k);
}

async function indexRowsOf(id: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT segment_type || ':' || segment_id AS k FROM segment_group_members WHERE group_key = (SELECT index_key FROM segment_groups WHERE id = ?) ORDER BY 1").bind(id).all<{ k: string }>();
  return results.map((r) => r.k);
}

describe("the reverse index's backlog", () => {
  it("queues a created group instead of indexing it, and answers the reverse lookup from its document until the merge", async () => {
    const id = await create({ segment_subgroup: members(101, 102) });
    expect(await countRows("segment_group_index_backlog")).toBe(1);
    expect(await indexRowsOf(id)).toEqual([]);
    expect(await usersOf("CONTEXTUAL:101")).toContain(id);
    expect(await usersOf("CONTEXTUAL:103")).not.toContain(id);

    expect(await mergeIndexBacklog()).toBe(1);
    expect(await countRows("segment_group_index_backlog")).toBe(0);
    expect(await indexRowsOf(id)).toEqual(["CONTEXTUAL:101", "CONTEXTUAL:102"]);
    expect(await usersOf("CONTEXTUAL:101")).toContain(id);
  });

  it("never answers from index rows a queued group's document no longer holds (PATCH, DELETE)", async () => {
    const token = await tokenFor([ORG]);
    await seedSegments([9701, 9702, 9703].map((segment_id) => ({ segment_type: "CONTEXTUAL", segment_id })));
    const kept = await create({ segment_subgroup: members(9701, 9702) });
    const gone = await create({ segment_subgroup: members(9701) });
    await mergeIndexBacklog();
    const goneKey = await keyOf(gone);

    const patched = await call("PATCH", `/segment_groups/${kept}`, { token, json: { segment_subgroup: members(9702, 9703) } });
    expect(patched.status, describeResponse(patched)).toBe(200);
    expect((await call("DELETE", `/segment_groups/${gone}`, { token })).status).toBe(204);
    // The index still holds both groups' old rows, but neither is answered from them.
    expect(await indexRowsOf(kept)).toEqual(["CONTEXTUAL:9701", "CONTEXTUAL:9702"]);
    expect(await indexRowsOfKey(goneKey)).toEqual(["CONTEXTUAL:9701"]);
    expect(await usersOf("CONTEXTUAL:9701")).toEqual([]);
    expect(await usersOf("CONTEXTUAL:9703")).toEqual([kept]);

    expect(await mergeIndexBacklog()).toBe(2);
    expect(await indexRowsOf(kept)).toEqual(["CONTEXTUAL:9702", "CONTEXTUAL:9703"]);
    expect(await indexRowsOfKey(goneKey)).toEqual([]);
    expect(await usersOf("CONTEXTUAL:9701")).toEqual([]);
    expect(await usersOf("CONTEXTUAL:9703")).toEqual([kept]);
  });

  it("keeps a segment a queued group uses, and deletes one only stale index rows name", async () => {
    const token = await tokenFor([ORG]);
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 9801 }, { segment_type: "CONTEXTUAL", segment_id: 9802 }]);
    const id = await create({ segment_subgroup: members(9801) });
    const before = await snapshotTables();
    const refused = await call("DELETE", "/segments/CONTEXTUAL/9801", { token });
    expect(refused.status, describeResponse(refused)).toBe(409);
    expect(refused.body.meta.group_count).toBe(1);
    expect(await snapshotTables()).toEqual(before);

    // Indexed, then moved to another segment: the old row is stale until the next merge, and
    // the index's foreign key must not keep the segment alive because of it.
    await mergeIndexBacklog();
    const patched = await call("PATCH", `/segment_groups/${id}`, { token, json: { segment_subgroup: members(9802) } });
    expect(patched.status, describeResponse(patched)).toBe(200);
    expect(await indexRowsOf(id)).toEqual(["CONTEXTUAL:9801"]);
    const deleted = await call("DELETE", "/segments/CONTEXTUAL/9801", { token });
    expect(deleted.status, describeResponse(deleted)).toBe(204);
    expect(await mergeIndexBacklog()).toBe(1);
    expect(await indexRowsOf(id)).toEqual(["CONTEXTUAL:9802"]);
  });

  it(`merges in the write that leaves ${BACKLOG_LIMITS.groups} groups queued, in that write's batch`, async () => {
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 9601 }]);
    const indexed = await countRows("segment_group_members");
    const ids: string[] = [];
    for (let i = 0; i < BACKLOG_LIMITS.groups - 1; i++) ids.push(await create({ segment_subgroup: members(101) }));
    expect(await countRows("segment_group_index_backlog")).toBe(BACKLOG_LIMITS.groups - 1);
    expect(await countRows("segment_group_members")).toBe(indexed);

    // A refused write does not merge: it writes nothing.
    const before = await snapshotTables();
    const refused = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup({ segment_subgroup: members(424242) }) });
    expect(refused.status, describeResponse(refused)).toBe(404);
    expect(await snapshotTables()).toEqual(before);

    ids.push(await create({ segment_subgroup: members(101, 9601) }));
    expect(await countRows("segment_group_index_backlog")).toBe(0);
    expect(await countRows("segment_group_members")).toBe(indexed + BACKLOG_LIMITS.groups + 1);
    expect(await usersOf("CONTEXTUAL:9601")).toEqual([ids.at(-1)]);
  });

  it(`merges in the write that leaves ${BACKLOG_LIMITS.members.toLocaleString("en")} members queued`, async () => {
    await seedBulkCatalog(5000);
    const perGroup = 5000;
    const indexed = await countRows("segment_group_members");
    for (let i = 0; i < BACKLOG_LIMITS.members / perGroup - 1; i++) {
      const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: groupWithMembers(perGroup) });
      expect(res.status, describeResponse(res)).toBe(201);
    }
    expect(await countRows("segment_group_members")).toBe(indexed);
    const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: groupWithMembers(perGroup) });
    expect(res.status, describeResponse(res)).toBe(201);
    expect(await countRows("segment_group_index_backlog")).toBe(0);
    expect(await countRows("segment_group_members")).toBe(indexed + BACKLOG_LIMITS.members);
  });

  it("costs a write that merges nothing the same rows read however long the backlog is", async () => {
    const token = await tokenFor([ORG]);
    const id = await create({ segment_subgroup: members(101) });
    const rowsReadByRename = async (name: string) => {
      const logs = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        const res = await call("PATCH", `/segment_groups/${id}`, { token, json: { name } });
        expect(res.status, describeResponse(res)).toBe(200);
        return logs.mock.calls.map((args) => JSON.parse(String(args[0]))).find((entry) => "d1_rows_read" in entry).d1_rows_read as number;
      } finally {
        logs.mockRestore();
      }
    };
    const short = await rowsReadByRename("one queued");
    for (let i = 0; i < BACKLOG_LIMITS.groups - 2; i++) await create({ segment_subgroup: members(102) });
    expect(await countRows("segment_group_index_backlog")).toBe(BACKLOG_LIMITS.groups - 1);
    expect(await rowsReadByRename("a full queue but one")).toBe(short);
  });

  it("is emptied by the Cron Trigger, so a quiet database keeps no backlog", async () => {
    const id = await create({ segment_subgroup: members(101, 103) });
    expect(await countRows("segment_group_index_backlog")).toBe(1);
    const logs = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env);
      const line = logs.mock.calls.map((args) => JSON.parse(String(args[0]))).find((entry) => entry.job === "member_index_backlog");
      expect(line).toMatchObject({ level: "info", event: "scheduled_job", merged: 1 });
    } finally {
      logs.mockRestore();
    }
    expect(await countRows("segment_group_index_backlog")).toBe(0);
    expect(await indexRowsOf(id)).toEqual(["CONTEXTUAL:101", "CONTEXTUAL:103"]);
  });

  it(`merges an overgrown backlog ${BACKLOG_LIMITS.membersPerMerge.toLocaleString("en")} members at a time at most`, async () => {
    await seedBulkCatalog(5000);
    // Written around the API (no merge runs), so the backlog grows past its limits.
    const groups = Math.floor(BACKLOG_LIMITS.membersPerMerge / 5000) + 1;
    const document = JSON.stringify(groupWithMembers(5000).segment_subgroup.map((s) => ({ segment_operator: s.segment_operator, exclude: false, segment_members: s.segment_members })));
    for (let i = 0; i < groups; i++) {
      await env.DB.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, name_folded, type, status, subgroups, member_count, created_at, updated_at, etag, subgroup_operator)
         VALUES (?1, ?2, 'raw', 'raw', 'CONTEXTUAL', 1, ?3, 5000, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'e', 'AND')`,
      ).bind(`raw-${i}`, ORG, document).run();
    }
    expect(await countRows("segment_group_index_backlog")).toBe(groups);
    const usage = emptyUsage();
    expect(await mergeBacklog(new Database(env.DB, usage))).toBe(groups);
    // One merge of as many whole groups as fit, then one of the rest.
    expect(usage.queries).toBe(2);
    expect(usage.rowsWritten).toBeGreaterThanOrEqual(groups * 5000);
    expect(await countRows("segment_group_index_backlog")).toBe(0);
  });

  it("answers every reverse lookup and segment delete as the documents say, through any order of writes and merges", async () => {
    const catalog = [9901, 9902, 9903, 9904, 9905];
    const subset = fc.uniqueArray(fc.constantFrom(...catalog), { minLength: 1, maxLength: 4 });
    const step = fc.oneof(
      fc.record({ op: fc.constant("create" as const), segments: subset }),
      fc.record({ op: fc.constant("patch" as const), pick: fc.nat(), segments: subset }),
      fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("dropSegment" as const), segment: fc.constantFrom(...catalog) }),
      fc.record({ op: fc.constant("merge" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        await env.DB.batch(["segment_group_index_backlog", "segment_group_members", "segment_group_changes", "segment_groups"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
        await seedSegments(catalog.map((segment_id) => ({ segment_type: "CONTEXTUAL", segment_id })));
        const db = new Database(env.DB);
        const groups = new Map<string, number[]>();
        const stored = new Set(catalog);
        const doc = (ids: number[]) => subgroupsDocument([{ segment_operator: "OR", exclude: false, segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" as const })) }]);
        const now = () => new Date().toISOString();
        for (const s of steps) {
          const ids = [...groups.keys()];
          if (s.op === "create") {
            const wanted = s.segments.filter((x) => stored.has(x));
            if (wanted.length === 0) continue;
            const id = newSegmentGroupId(Date.now());
            const out = await insertSegmentGroup(db, { id, organizationId: ORG, name: "p", type: "CONTEXTUAL", status: true, subgroupOperator: "AND", subgroups: doc(wanted), now: now(), etag: newEtag(), createdBy: null, quota: 1_000_000 });
            expect(out.outcome).toBe("created");
            groups.set(id, wanted);
          } else if (s.op === "patch" && ids.length > 0) {
            const wanted = s.segments.filter((x) => stored.has(x));
            if (wanted.length === 0) continue;
            const id = ids[s.pick % ids.length]!;
            const out = await updateSegmentGroup(db, { id, organizationIds: [ORG], acceptedVersions: null, subgroups: doc(wanted), now: now(), etag: newEtag(), updatedBy: null });
            expect(out.outcome).toBe("updated");
            groups.set(id, wanted);
          } else if (s.op === "delete" && ids.length > 0) {
            const id = ids[s.pick % ids.length]!;
            expect((await deleteSegmentGroup(db, { id, organizationIds: [ORG], acceptedVersions: null, version: newEtag(), now: now(), deletedBy: null })).outcome).toBe("deleted");
            groups.delete(id);
          } else if (s.op === "dropSegment" && stored.has(s.segment)) {
            const users = [...groups.values()].filter((g) => g.includes(s.segment)).length;
            const out = await deleteUnusedSegment(db, { segmentType: "CONTEXTUAL", segmentId: s.segment }, { callerOrganizationIds: [ORG], organizationId: null, mayWriteGlobal: true });
            expect(out).toEqual(users > 0 ? { outcome: "in_use", groupCount: users } : { outcome: "deleted" });
            if (users === 0) stored.delete(s.segment);
          } else if (s.op === "merge") {
            await mergeIndexBacklog();
          }
          for (const segment of catalog) {
            const { results } = await env.DB.prepare(`SELECT id AS group_id FROM segment_groups WHERE index_key IN (${groupKeysUsingSegmentSql("?1", "?2")})`)
              .bind("CONTEXTUAL", segment)
              .all<{ group_id: string }>();
            const expected = [...groups].filter(([, g]) => g.includes(segment)).map(([id]) => id).sort();
            expect(results.map((r) => r.group_id).sort(), `users of ${segment} after ${JSON.stringify(s)}`).toEqual(expected);
          }
        }
        // Once merged, the index is exactly the documents' distinct segments.
        await mergeIndexBacklog();
        const { results } = await env.DB.prepare("SELECT g.id AS group_id, x.segment_id FROM segment_group_members AS x LEFT JOIN segment_groups AS g ON g.index_key = x.group_key ORDER BY 1, 2").all<{ group_id: string; segment_id: number }>();
        const expected = [...groups].flatMap(([id, g]) => [...g].sort((a, b) => a - b).map((segment_id) => ({ group_id: id, segment_id }))).sort((a, b) => (a.group_id < b.group_id ? -1 : a.group_id > b.group_id ? 1 : a.segment_id - b.segment_id));
        expect(results).toEqual(expected);
      }),
      { numRuns: 25 },
    );
    // 25 random sequences of up to 14 writes: seconds on a loaded machine.
  }, 60_000);

  it("pages each organization's reverse lookup as the documents say, newest first, through any order of writes, moves and merges", async () => {
    const catalog = [9911, 9912, 9913];
    const organizations = [ORG, ORG + 1];
    const subset = fc.uniqueArray(fc.constantFrom(...catalog), { minLength: 1, maxLength: 3 });
    const step = fc.oneof(
      fc.record({ op: fc.constant("create" as const), organization: fc.constantFrom(...organizations), segments: subset }),
      fc.record({ op: fc.constant("patch" as const), pick: fc.nat(), segments: subset }),
      fc.record({ op: fc.constant("move" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("merge" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 3 }), async (steps, limit) => {
        await env.DB.batch(["segment_group_index_backlog", "segment_group_members", "segment_group_changes", "segment_groups"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
        await seedSegments(catalog.map((segment_id) => ({ segment_type: "CONTEXTUAL", segment_id })));
        const db = new Database(env.DB);
        const groups = new Map<string, { organization: number; segments: number[] }>();
        const doc = (ids: number[]) => subgroupsDocument([{ segment_operator: "OR", exclude: false, segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" as const })) }]);
        const now = () => new Date().toISOString();
        for (const s of steps) {
          const ids = [...groups.keys()];
          const picked = "pick" in s && ids.length > 0 ? ids[s.pick % ids.length]! : undefined;
          if (s.op === "create") {
            const id = newSegmentGroupId(Date.now());
            const out = await insertSegmentGroup(db, { id, organizationId: s.organization, name: "p", type: "CONTEXTUAL", status: true, subgroupOperator: "AND", subgroups: doc(s.segments), now: now(), etag: newEtag(), createdBy: null, quota: 1_000_000 });
            expect(out.outcome).toBe("created");
            groups.set(id, { organization: s.organization, segments: s.segments });
          } else if (s.op === "patch" && picked) {
            const out = await updateSegmentGroup(db, { id: picked, organizationIds: organizations, acceptedVersions: null, subgroups: doc(s.segments), now: now(), etag: newEtag(), updatedBy: null });
            expect(out.outcome).toBe("updated");
            groups.get(picked)!.segments = s.segments;
          } else if (s.op === "move" && picked) {
            // Not an API write: a raw writer moves the group to the other organization.
            const group = groups.get(picked)!;
            group.organization = organizations.find((o) => o !== group.organization)!;
            await env.DB.prepare("UPDATE segment_groups SET organization_id = ?2 WHERE id = ?1").bind(picked, group.organization).run();
          } else if (s.op === "delete" && picked) {
            expect((await deleteSegmentGroup(db, { id: picked, organizationIds: organizations, acceptedVersions: null, version: newEtag(), now: now(), deletedBy: null })).outcome).toBe("deleted");
            groups.delete(picked);
          } else if (s.op === "merge") {
            await mergeIndexBacklog();
          }
          const keys = new Map((await env.DB.prepare("SELECT id, index_key FROM segment_groups").all<{ id: string; index_key: number }>()).results.map((r) => [r.id, r.index_key]));
          for (const segment of catalog) {
            for (const listed of [[organizations[0]!], [organizations[1]!], organizations]) {
              const pages: string[][] = [];
              let before: number | undefined;
              do {
                const page = await listSegmentGroupsUsingSegment(db, { organizationIds: listed }, { segmentType: "CONTEXTUAL", segmentId: segment }, { limit, before, view: "summary" });
                pages.push(page.rows.map((r) => r.id));
                before = page.nextBefore ?? undefined;
                expect(pages.length, "the walk ends").toBeLessThan(50);
              } while (before !== undefined);
              const expected = [...groups]
                .filter(([, g]) => listed.includes(g.organization) && g.segments.includes(segment))
                .map(([id]) => id)
                .sort((a, b) => keys.get(b)! - keys.get(a)!);
              expect(pages.flat(), `users of ${segment} in ${listed} by pages of ${limit} after ${JSON.stringify(s)}`).toEqual(expected);
            }
            // The same question for one organization, as the in-use guard of its private segments asks it.
            for (const organization of organizations) {
              const { results } = await env.DB.prepare(`SELECT id FROM segment_groups WHERE index_key IN (${groupKeysUsingSegmentSql("?1", "?2", "?3")})`)
                .bind("CONTEXTUAL", segment, organization)
                .all<{ id: string }>();
              const expected = [...groups].filter(([, g]) => g.organization === organization && g.segments.includes(segment)).map(([id]) => id);
              expect(results.map((r) => r.id).sort(), `users of ${segment} in ${organization} after ${JSON.stringify(s)}`).toEqual(expected.sort());
            }
          }
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});
