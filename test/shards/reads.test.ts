import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { allRows, SHARDED } from "../helpers/shards";
import { tokenFor } from "../helpers/tokens";

// Run by `npm run test:shards`: a token whose organizations live on all three shards reads
// them as one database: the list, the reverse lookup, the change feed, one group, its usage.
const ORGS = [72001, 72002, 72003, 72004, 72005, 72006];

interface Event {
  cursor: string;
  change: string;
  id: string;
  version: string;
}

async function followFeed(token: string, after: string | undefined, limit: number): Promise<{ events: Event[]; next: string }> {
  const events: Event[] = [];
  let cursor = after;
  for (let page = 0; page < 200; page++) {
    const res = await call("GET", `/segment_groups/changes?limit=${limit}${cursor ? `&after=${cursor}` : ""}`, { token });
    expect(res.status, describeResponse(res)).toBe(200);
    events.push(...res.body.data);
    cursor = res.body.meta.next_cursor;
    if (!res.body.meta.has_more) return { events, next: cursor! };
  }
  throw new Error("the feed never ended");
}

async function listAll(token: string, query: string, limit: number): Promise<{ id: string; created_at: string }[]> {
  const items: { id: string; created_at: string }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res: Awaited<ReturnType<typeof call>> = await call("GET", `/segment_groups?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`, { token });
    expect(res.status, describeResponse(res)).toBe(200);
    items.push(...res.body.data);
    cursor = res.body.meta.next_cursor;
    if (cursor === null) return items;
  }
  throw new Error("the listing never ended");
}

const byNewest = (a: { id: string; created_at: string }, b: { id: string; created_at: string }) =>
  a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;

describe.runIf(SHARDED)("shards: a token over several shards reads them as one", () => {
  let token: string;
  const ids = new Map<number, string[]>();

  beforeAll(async () => {
    await seedCatalog();
    token = await tokenFor(ORGS);
    // Interleaved writes over the six organizations: creates, renames, deletes.
    for (let i = 0; i < 30; i++) {
      const org = ORGS[i % ORGS.length]!;
      const members = i % 3 === 0 ? [{ segment_id: 102, segment_type: "CONTEXTUAL" }] : [{ segment_id: 101, segment_type: "CONTEXTUAL" }];
      const res = await call("POST", "/segment_groups", { token, json: validGroup({ name: `G${i}`, organization_id: org, segment_subgroup: [{ segment_operator: "AND", segment_members: members }] }) });
      expect(res.status, describeResponse(res)).toBe(201);
      ids.set(org, [...(ids.get(org) ?? []), res.body.data.id]);
      if (i % 4 === 1) expect((await call("PATCH", `/segment_groups/${res.body.data.id}`, { token, json: { name: `G${i} renamed` } })).status).toBe(200);
      if (i % 7 === 2) expect((await call("DELETE", `/segment_groups/${res.body.data.id}`, { token })).status).toBe(204);
    }
    const shards = await env.DB.prepare("SELECT count(DISTINCT shard) AS n FROM organization_shards WHERE organization_id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ORGS)).first<{ n: number }>();
    expect(shards!.n).toBe(3);
  });

  it("follows the feed over every shard: each event once, each organization's in commit order", async () => {
    const { events } = await followFeed(token, undefined, 4);
    const stored = await allRows<{ group_id: string; version: string; organization_id: number; position: number }>(
      "SELECT group_id, version, organization_id, position FROM segment_group_changes WHERE organization_id IN (SELECT value FROM json_each(?)) ORDER BY position",
      JSON.stringify(ORGS),
    );
    expect(events.map((e) => `${e.id}/${e.version}`).sort()).toEqual(stored.map((e) => `${e.group_id}/${e.version}`).sort());
    for (const org of ORGS) {
      const mine = stored.filter((e) => e.organization_id === org).map((e) => `${e.group_id}/${e.version}`);
      expect(events.map((e) => `${e.id}/${e.version}`).filter((e) => mine.includes(e)), `${org}'s events in commit order`).toEqual(mine);
    }
  });

  it("resumes from any event's cursor with exactly the events after it, and from the end with only new ones", async () => {
    const { events, next } = await followFeed(token, undefined, 5);
    const resumed = await followFeed(token, events[11]!.cursor, 3);
    expect(resumed.events.map((e) => e.version)).toEqual(events.slice(12).map((e) => e.version));
    const created = await call("POST", "/segment_groups", { token, json: validGroup({ name: "After", organization_id: ORGS[2], segment_subgroup: [{ segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] }) });
    expect(created.status, describeResponse(created)).toBe(201);
    const later = await followFeed(token, next, 10);
    expect(later.events.map((e) => e.id)).toEqual([created.body.data.id]);
  });

  it("pages the list over every shard: newest first, each group once", async () => {
    const listed = await listAll(token, "", 4);
    const stored = await allRows<{ id: string; created_at: string }>(
      "SELECT id, created_at FROM segment_groups WHERE organization_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(ORGS),
    );
    expect(listed.map((g) => g.id)).toEqual([...stored].sort(byNewest).map((g) => g.id));
    const summaries = (await listAll(token, "&view=summary&q=renamed", 2)) as unknown as { id: string; name: string }[];
    const renamed = await allRows<{ id: string }>(
      "SELECT id FROM segment_groups WHERE organization_id IN (SELECT value FROM json_each(?)) AND name LIKE '%renamed'",
      JSON.stringify(ORGS),
    );
    expect(summaries.map((g) => g.id).sort()).toEqual(renamed.map((g) => g.id).sort());
    expect(renamed.length).toBeGreaterThan(2);
  });

  it("pages the reverse lookup over every shard: each group using the segment once", async () => {
    const listed = await listAll(token, "&segment=CONTEXTUAL:102", 2);
    const stored = await allRows<{ id: string }>(
      "SELECT id FROM segment_groups WHERE organization_id IN (SELECT value FROM json_each(?)) AND instr(subgroups, '\"segment_id\":102') > 0",
      JSON.stringify(ORGS),
    );
    expect(listed.map((g) => g.id).sort()).toEqual(stored.map((g) => g.id).sort());
    expect(new Set(listed.map((g) => g.id)).size).toBe(listed.length);
  });

  it("finds a group by its id on whichever shard it lives, and its versions", async () => {
    for (const org of ORGS) {
      const id = ids.get(org)!.at(-1)!;
      const res = await call("GET", `/segment_groups/${id}`, { token });
      if (res.status === 404) continue; // deleted above
      expect(res.status, describeResponse(res)).toBe(200);
      expect(res.body.data.organization_id).toBe(org);
      expect((await call("GET", `/segment_groups/${id}/versions`, { token })).status).toBe(200);
    }
  });

  it("answers usage for every organization, in id order", async () => {
    const res = await call("GET", "/usage", { token });
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data.map((u: { organization_id: number }) => u.organization_id)).toEqual(ORGS);
    expect(res.body.data.every((u: { groups: number }) => u.groups > 0)).toBe(true);
  });

  it("returns one bookmark per shard touched, carried forward, and refuses one the API did not issue", async () => {
    const res = await call("GET", "/segment_groups?limit=1", { token });
    const bookmark = res.headers.get("x-d1-bookmark")!;
    expect(bookmark).toMatch(/^sg-(DB|DB2|DB3)-\d+-/);
    const again = await call("GET", "/usage?organization_id=72001", { token, headers: { "x-d1-bookmark": bookmark } });
    expect(again.status, describeResponse(again)).toBe(200);
    // The shards this request did not touch keep their entries.
    for (const shard of ["DB2", "DB3"]) if (bookmark.includes(`-${shard}-`)) expect(again.headers.get("x-d1-bookmark")).toContain(`-${shard}-`);
    for (const forged of ["sg-DB9-3-abc", `${bookmark}-`, "sg-DB-999-0000"]) {
      const refused = await call("GET", "/segment_groups?limit=1", { token, headers: { "x-d1-bookmark": forged } });
      expect(refused.status, forged).toBe(400);
      expect(errorsOf(refused)).toEqual([{ code: "invalid_bookmark", field: "x-d1-bookmark" }]);
    }
  });
});
