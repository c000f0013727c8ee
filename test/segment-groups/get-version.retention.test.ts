import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/app-env";
import { SCHEDULED_JOBS } from "../../src/scheduled/jobs";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { shardNames } from "../../src/db/shards/bindings";

// History retention: versions older than HISTORY_RETENTION_DAYS go, except each group's newest
// HISTORY_KEEP_VERSIONS and tombstones (30 days, list-changes.retention.test.ts); a purged
// version is 404; a feed cursor that could have missed a purged version is 410, and only then.

beforeAll(seedCatalog);

const DAY = 86_400_000;
const ORG = 820_001;
const groupBody = (name: string) =>
  validGroup({ organization_id: ORG, name, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] });

async function runCron(vars: Partial<Bindings> = {}) {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), { ...env, ...vars });
    return log.mock.calls.map((args) => JSON.parse(String(args[0]))).filter((line) => line.event === "scheduled_job");
  } finally {
    log.mockRestore();
  }
}

const rowsOf = async (groupId: string) =>
  (await env.DB.prepare("SELECT position, change, version FROM segment_group_changes WHERE group_id = ? ORDER BY position").bind(groupId).all<{ position: number; change: string; version: string }>()).results;
const ageRows = (where: string, days: number, ...params: unknown[]) =>
  env.DB.prepare(`UPDATE segment_group_changes SET changed_at = ?1 WHERE ${where}`).bind(new Date(Date.now() - days * DAY).toISOString(), ...params).run();

describe("history retention (Cron Trigger)", () => {
  it("keeps each group's newest versions and its tombstone, 404s purged versions, and 410s exactly the feed cursors that could have missed one", async () => {
    const token = await tokenFor([ORG]);
    const create = async (name: string) => {
      const res = await call("POST", "/segment_groups", { token, json: groupBody(name) });
      expect(res.status, describeResponse(res)).toBe(201);
      return res.body.data.id as string;
    };
    const patch = async (id: string, times: number) => {
      for (let i = 0; i < times; i++) {
        const res = await call("PATCH", `/segment_groups/${id}`, { token, json: { name: `v${i + 2}` }, headers: { "Content-Type": "application/merge-patch+json" } });
        expect(res.status, describeResponse(res)).toBe(200);
      }
    };
    // In commit order: six versions of G, two of H, five of T then (later) its deletion, X created and deleted, five of Y, then N.
    const g = await create("G");
    await patch(g, 5);
    const h = await create("H");
    await patch(h, 1);
    const t = await create("T");
    await patch(t, 4);
    const x = await create("X");
    expect((await call("DELETE", `/segment_groups/${x}`, { token })).status).toBe(204);
    expect((await call("DELETE", `/segment_groups/${t}`, { token })).status).toBe(204);
    const y = await create("Y");
    await patch(y, 4);
    await create("N");
    // G, H and T's versions (and anything before them) are 100 days old, X 40 days, T's tombstone, Y and N young.
    const [tFirst] = await rowsOf(t);
    await ageRows("position <= ?2", 100, (await rowsOf(t)).at(-2)!.position);
    await ageRows("group_id = ?2", 40, x);
    expect(tFirst).toBeDefined();

    // 1. Only the tombstone purge acts (history kept 1,000 days): X goes, G keeps all six.
    const first = await runCron({ HISTORY_RETENTION_DAYS: "1000", HISTORY_KEEP_VERSIONS: "3" });
    expect(first).toContainEqual(expect.objectContaining({ job: "history", deleted: 0 }));
    expect(await rowsOf(x)).toEqual([]);
    const gRows = await rowsOf(g);
    expect(gRows).toHaveLength(6);

    // Cursors issued now, after that purge. The feed holds G's 6 versions, H's 2, then T's: one
    // cursor after G's second, one after T's second, one after T's third (the last to be purged).
    const feed = (query: string) => call("GET", `/segment_groups/changes?organization_id=${ORG}&${query}`, { token });
    const afterSecond = (await feed("limit=2")).body.meta.next_cursor;
    const beforeLastPurged = (await feed("limit=10")).body.meta.next_cursor;
    const atLastPurged = (await feed("limit=11")).body.meta.next_cursor;
    const tRows = await rowsOf(t);
    const listCursor = (await call("GET", `/segment_groups?organization_id=${ORG}`, { token })).body.meta.changes_cursor;

    // 2. The history purge, keeping 3: G and T lose their three oldest versions (T keeps its tombstone).
    const second = await runCron({ HISTORY_KEEP_VERSIONS: "3" });
    expect(second).toContainEqual(expect.objectContaining({ job: "history", deleted: 3 + 3 }));
    expect(await rowsOf(g)).toEqual(gRows.slice(3));
    expect((await rowsOf(h)).map((r) => r.change)).toEqual(["created", "updated"]);
    expect((await rowsOf(t)).map((r) => r.change)).toEqual(["updated", "updated", "deleted"]);
    expect(await rowsOf(y)).toHaveLength(5);

    // A purged version answers 404 version_not_found; the kept ones as before.
    const purged = await call("GET", `/segment_groups/${g}/versions/${gRows[0]!.version}`, { token });
    expect(purged.status, describeResponse(purged)).toBe(404);
    expect(errorsOf(purged)).toEqual([{ code: "version_not_found", field: "version" }]);
    expect((await call("GET", `/segment_groups/${g}/versions/${gRows[3]!.version}`, { token })).status).toBe(200);
    expect((await call("GET", `/segment_groups/${g}/versions`, { token })).body.data.map((v: { version: string }) => v.version)).toEqual(
      gRows.slice(3).map((r) => r.version).reverse(),
    );

    // Cursors before a purged version could have missed it: 410. Every purged row lies below the
    // tombstone purge's point (X), so no single high-water mark would have told these apart.
    for (const cursor of [afterSecond, beforeLastPurged]) {
      const expired = await feed(`after=${cursor}`);
      expect(expired.status, describeResponse(expired)).toBe(410);
      expect(errorsOf(expired)).toEqual([{ code: "cursor_expired", field: "after" }]);
    }
    // The cursor at the last purged version missed nothing: 200, and it reads on from there.
    const fine = await feed(`after=${atLastPurged}`);
    expect(fine.status, describeResponse(fine)).toBe(200);
    expect(fine.body.data.slice(0, 2).map((e: { version: string }) => e.version)).toEqual(tRows.slice(3, 5).map((r) => r.version));
    expect((await feed(`after=${listCursor}`)).status).toBe(200);
    // Cursors issued after the purge page through what is left without a 410.
    let cursor = (await feed("limit=1")).body.meta.next_cursor;
    for (let page = 0; page < 5; page++) {
      const next = await feed(`limit=1&after=${cursor}`);
      expect(next.status, describeResponse(next)).toBe(200);
      cursor = next.body.meta.next_cursor;
    }

    // The usage counters followed the deletes.
    const usage = await call("GET", `/usage?organization_id=${ORG}`, { token });
    const versions = await env.DB.prepare("SELECT count(*) AS n FROM segment_group_changes WHERE organization_id = ?").bind(ORG).first<{ n: number }>();
    expect(usage.body.data[0].versions).toBe(versions!.n);

    // Nothing more to purge: a third run deletes nothing.
    expect(await runCron({ HISTORY_KEEP_VERSIONS: "3" })).toContainEqual(expect.objectContaining({ job: "history", deleted: 0 }));
  });

  it("fails only its own job on an invalid retention var, and logs which", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(runCron({ HISTORY_KEEP_VERSIONS: "0" })).rejects.toThrow("1 of");
      // Once per shard (npm run test:shards runs three).
      expect(errors.mock.calls.map((args) => JSON.parse(String(args[0])))).toEqual(
        shardNames(env).map(() => expect.objectContaining({ event: "scheduled_job_failed", job: "history", message: expect.stringContaining("HISTORY_KEEP_VERSIONS") })),
      );
    } finally {
      errors.mockRestore();
    }
  });

  it("is one of the Cron Trigger's jobs", () => {
    expect(SCHEDULED_JOBS.map((job) => job.name)).toContain("history");
  });
});
