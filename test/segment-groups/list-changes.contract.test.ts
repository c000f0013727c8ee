import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse, errorsOf, type ApiResponse } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { mintToken, tokenFor } from "../helpers/tokens";

beforeAll(seedCatalog);

let nextOrg = 700_000;
const freshOrg = () => ++nextOrg;
// Global segments only, so any organization may use the group.
const groupFor = (org: number, name = "Feed group") =>
  validGroup({ organization_id: org, name, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] });

async function changes(token: string, query = ""): Promise<ApiResponse> {
  const res = await call("GET", `/segment_groups/changes${query}`, { token });
  expect(res.status, describeResponse(res)).toBe(200);
  return res;
}

/** Follows the feed from `after` until it is caught up; every event, in order. */
async function follow(token: string, after?: string, limit = 100) {
  const events: any[] = [];
  let cursor = after;
  for (;;) {
    const res = await changes(token, `?limit=${limit}${cursor ? `&after=${cursor}` : ""}`);
    events.push(...res.body.data);
    cursor = res.body.meta.next_cursor;
    if (!res.body.meta.has_more) return { events, cursor: cursor! };
  }
}

// A cursor's place: its position, or over shards the sum of each shard's (each only grows).
const positionOf = (cursor: string): number => {
  const place = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")))[0] as number | Record<string, [number, number]>;
  return typeof place === "number" ? place : Object.values(place).reduce((sum, [position]) => sum + position, 0);
};

describe("GET /segment_groups/changes — events", () => {
  it("records each create, update and delete with its version, author and the group as GET returned it", async () => {
    const org = freshOrg();
    const token = await tokenFor([org]);
    const machine = await mintToken({ claims: { organization_ids: [org], sub: "svc123@clients" } });
    const created = await call("POST", "/segment_groups", { token, json: groupFor(org) });
    const id = created.body.data.id;
    const updated = await call("PATCH", `/segment_groups/${id}`, { token: machine, json: { name: "Renamed" } });
    expect(updated.body.data).toMatchObject({ created_by: "auth0|test-user", updated_by: "svc123@clients" });
    const deleted = await call("DELETE", `/segment_groups/${id}`, { token: machine });
    expect(deleted.status).toBe(204);

    const { events } = await follow(token);
    expect(events).toEqual([
      { cursor: expect.any(String), change: "created", id, version: created.headers.get("ETag")!.slice(1, -1), changed_at: created.body.data.updated_at, changed_by: "auth0|test-user", data: created.body.data },
      { cursor: expect.any(String), change: "updated", id, version: updated.headers.get("ETag")!.slice(1, -1), changed_at: updated.body.data.updated_at, changed_by: "svc123@clients", data: updated.body.data },
      { cursor: expect.any(String), change: "deleted", id, version: expect.stringMatching(/^[0-9a-f]{32}$/), changed_at: expect.any(String), changed_by: "svc123@clients", data: null },
    ]);
    expect(events[2].changed_at > events[1].changed_at).toBe(true);
    expect(events[2].version).not.toBe(events[1].version);
  });

  it("records nothing for a refused write", async () => {
    const org = freshOrg();
    const token = await tokenFor([org]);
    const { id } = (await call("POST", "/segment_groups", { token, json: groupFor(org) })).body.data;
    const { cursor } = await follow(token);
    expect((await call("PATCH", `/segment_groups/${id}`, { token, json: { name: "x" }, headers: { "If-Match": '"stale"' } })).status).toBe(412);
    expect((await call("DELETE", `/segment_groups/${id}`, { token, headers: { "If-Match": '"stale"' } })).status).toBe(412);
    expect((await call("PATCH", `/segment_groups/${id}`, { token, json: { segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 424242, segment_type: "3P" }] }] } })).status).toBe(404);
    expect((await call("POST", "/segment_groups", { token, json: validGroup({ organization_id: org, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 424242, segment_type: "3P" }] }] }) })).status).toBe(404);
    expect((await follow(token, cursor)).events).toEqual([]);
  });
});

describe("GET /segment_groups/changes — paging", () => {
  it("always gives next_cursor: on an empty feed, when caught up, and it resumes after the last event seen", async () => {
    const org = freshOrg();
    const token = await tokenFor([org]);
    const empty = await changes(token);
    expect(empty.body).toEqual({ data: [], meta: { status: "success", request_id: expect.any(String), next_cursor: expect.any(String), has_more: false } });

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call("POST", "/segment_groups", { token, json: groupFor(org, `g${i}`) })).body.data.id);
    const first = await changes(token, `?after=${empty.body.meta.next_cursor}&limit=2`);
    expect(first.body.data.map((e: any) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.body.meta).toMatchObject({ has_more: true, next_cursor: first.body.data[1].cursor });
    const rest = await changes(token, `?after=${first.body.meta.next_cursor}&limit=3`);
    expect(rest.body.data.map((e: any) => e.id)).toEqual(ids.slice(2));
    expect(rest.body.meta.has_more).toBe(false);
    const caughtUp = await changes(token, `?after=${rest.body.meta.next_cursor}`);
    expect(caughtUp.body.data).toEqual([]);
    expect(positionOf(caughtUp.body.meta.next_cursor)).toBeGreaterThanOrEqual(positionOf(rest.body.meta.next_cursor));
    // Without `after`, from the oldest retained event; limit defaults to 100.
    expect((await changes(token)).body.data.map((e: any) => e.id)).toEqual(ids);
  });

  it("starts a list reader at the list's changes_cursor: only what changed after the list was read", async () => {
    const org = freshOrg();
    const token = await tokenFor([org]);
    const before = (await call("POST", "/segment_groups", { token, json: groupFor(org, "before") })).body.data;
    const list = await call("GET", `/segment_groups?organization_id=${org}`, { token });
    expect(list.body.data.map((g: any) => g.id)).toEqual([before.id]);
    const after = (await call("POST", "/segment_groups", { token, json: groupFor(org, "after") })).body.data;
    const { events } = await follow(token, list.body.meta.changes_cursor);
    expect(events.map((e) => [e.change, e.id])).toEqual([["created", after.id]]);
  });

  it("shows only the token's organizations; organization_id narrows to one, 403 for another", async () => {
    const [a, b, c] = [freshOrg(), freshOrg(), freshOrg()];
    for (const org of [a, b, c, a]) await call("POST", "/segment_groups", { token: await tokenFor([org]), json: groupFor(org) });
    const both = await tokenFor([a, b]);
    const all = (await follow(both)).events;
    expect(all.map((e) => e.data.organization_id)).toEqual([a, b, a]);
    expect((await changes(both, `?organization_id=${b}`)).body.data.map((e: any) => e.data.organization_id)).toEqual([b]);
    const forbidden = await call("GET", `/segment_groups/changes?organization_id=${c}`, { token: both });
    expect(forbidden.status).toBe(403);
    expect(errorsOf(forbidden)).toEqual([{ code: "organization_forbidden", field: "organization_id" }]);
    // A token with many organizations reads the same events (one ordered scan instead of one per organization).
    const many = await tokenFor([a, b, ...Array.from({ length: 60 }, (_, i) => 900_000 + i)]);
    expect((await follow(many, undefined, 2)).events).toEqual(all.map((e) => ({ ...e, cursor: expect.any(String) })));
  });

  it("validates limit (1 to 1000) and after, every problem at once", async () => {
    const token = await tokenFor([freshOrg()]);
    expect((await call("GET", "/segment_groups/changes?limit=1000", { token })).status).toBe(200);
    const bad = await call("GET", "/segment_groups/changes?limit=1001&after=nope&since=1", { token });
    expect(bad.status).toBe(400);
    expect(errorsOf(bad)).toEqual(
      expect.arrayContaining([{ code: "too_large", field: "limit" }, { code: "invalid_value", field: "after" }, { code: "unknown_field", field: "since" }]),
    );
    expect(errorsOf(await call("GET", "/segment_groups/changes?limit=0", { token }))).toEqual([{ code: "too_small", field: "limit" }]);
  });
});

describe("GET /segment_groups/changes — exactly once, in commit order", () => {
  it("gives a consumer paging during many concurrent writes every committed write once, in the order each group took them", async () => {
    const org = freshOrg();
    const token = await tokenFor([org]);
    const seed: string[] = [];
    for (let i = 0; i < 8; i++) seed.push((await call("POST", "/segment_groups", { token, json: groupFor(org, `seed ${i}`) })).body.data.id as string);

    const seen: any[] = [];
    let cursor: string | undefined;
    let writing = true;
    let pagesWhileWriting = 0;
    const consume = async () => {
      for (;;) {
        if (writing) pagesWhileWriting++;
        const res = await changes(token, `?limit=3${cursor ? `&after=${cursor}` : ""}`);
        seen.push(...res.body.data);
        cursor = res.body.meta.next_cursor;
        if (!writing && !res.body.meta.has_more) return;
      }
    };
    const write = (i: number): Promise<ApiResponse> => {
      const target = seed[i % seed.length]!;
      if (i % 3 === 0) return call("POST", "/segment_groups", { token, json: groupFor(org, `new ${i}`) });
      if (i % 11 === 0) return call("DELETE", `/segment_groups/${target}`, { token });
      return call("PATCH", `/segment_groups/${target}`, { token, json: { name: `write ${i}` } });
    };
    // Six waves of ten concurrent writers, while the consumer pages.
    const writeAll = async () => {
      const all: ApiResponse[] = [];
      for (let wave = 0; wave < 6; wave++) all.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => write(wave * 10 + i)))));
      writing = false;
      return all;
    };
    const [results] = await Promise.all([writeAll(), consume()]);
    expect(pagesWhileWriting).toBeGreaterThan(3);

    // Every successful write (its new ETag), and nothing else, exactly once.
    const committed = results.filter((r) => r.status === 200 || r.status === 201).map((r) => r.headers.get("ETag")!.slice(1, -1));
    const deletions = results.filter((r) => r.status === 204).length;
    expect(deletions).toBeGreaterThan(0);
    const afterSeed = seen.slice(seed.length);
    expect(afterSeed.filter((e) => e.change !== "deleted").map((e) => e.version).sort()).toEqual([...committed].sort());
    expect(afterSeed.filter((e) => e.change === "deleted")).toHaveLength(deletions);
    expect(new Set(seen.map((e) => e.version)).size).toBe(seen.length);
    // Positions strictly increase: the order the feed gives is the order D1 committed.
    const positions = seen.map((e) => positionOf(e.cursor));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    // Replaying the feed rebuilds exactly the groups that exist now, each as GET shows it.
    const replayed = new Map<string, unknown>();
    for (const e of seen) (e.data === null ? replayed.delete(e.id) : replayed.set(e.id, e.data));
    const listed = await call("GET", `/segment_groups?organization_id=${org}&limit=100`, { token });
    expect(new Map(listed.body.data.map((g: any) => [g.id, g]))).toEqual(replayed);
  });
});
