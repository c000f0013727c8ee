import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { SCHEDULED_JOBS } from "../../src/scheduled/jobs";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { testShards } from "../helpers/shards";

beforeAll(seedCatalog);

const DAY = 86_400_000;
const groupFor = (org: number, name: string) =>
  validGroup({ organization_id: org, name, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] });

/** Runs the Worker's Cron Trigger handler as Cloudflare would, at `at`. */
async function runCron(at: Date) {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await worker.scheduled(createScheduledController({ scheduledTime: at.getTime(), cron: "17 * * * *" }), env);
    return log.mock.calls.map((args) => JSON.parse(String(args[0])));
  } finally {
    log.mockRestore();
  }
}

/** Moves a group's events back in time, as if written `days` ago. */
const age = (groupId: string, days: number) =>
  env.DB.prepare("UPDATE segment_group_changes SET changed_at = ?2 WHERE group_id = ?1").bind(groupId, new Date(Date.now() - days * DAY).toISOString()).run();

const eventsOf = async (groupId: string) =>
  (await env.DB.prepare("SELECT change FROM segment_group_changes WHERE group_id = ? ORDER BY position").bind(groupId).all<{ change: string }>()).results.map((r) => r.change);

describe("purging expired tombstones (Cron Trigger)", () => {
  it("removes groups deleted over 30 days ago with their history; keeps younger tombstones and live groups' history", async () => {
    const org = 810_001;
    const token = await tokenFor([org]);
    const create = async (name: string) => (await call("POST", "/segment_groups", { token, json: groupFor(org, name) })).body.data.id as string;
    const [old, young, live] = [await create("old"), await create("young"), await create("live")];
    await call("DELETE", `/segment_groups/${old}`, { token });
    await call("DELETE", `/segment_groups/${young}`, { token });
    await age(old, 31);
    await age(young, 29);
    await age(live, 400);
    // Something newer than every tombstone (the purge never takes the newest row).
    await create("newest");

    const lines = await runCron(new Date());
    expect(lines).toContainEqual(expect.objectContaining({ event: "scheduled_job", job: "change_feed", deleted: 1 }));
    expect(await eventsOf(old)).toEqual([]);
    expect(await eventsOf(young)).toEqual(["created", "deleted"]);
    expect(await eventsOf(live)).toEqual(["created"]);
    expect((await call("GET", `/segment_groups/${live}/versions`, { token })).body.data).toHaveLength(1);
    expect((await call("GET", `/segment_groups/${old}/versions`, { token })).status).toBe(404);
    // Nothing more to purge: a second run changes nothing.
    expect(await runCron(new Date())).toContainEqual(expect.objectContaining({ job: "change_feed", deleted: 0 }));
  });

  it("answers 410 cursor_expired to a cursor from before a purge that went past it; the list's changes_cursor resumes", async () => {
    const org = 810_002;
    const token = await tokenFor([org]);
    const keep = (await call("POST", "/segment_groups", { token, json: groupFor(org, "kept") })).body.data.id;
    const page = await call("GET", `/segment_groups/changes?organization_id=${org}`, { token });
    const staleCursor = page.body.meta.next_cursor;
    // Created and deleted after that cursor, then expired and purged: its holder never saw the deletion.
    const gone = (await call("POST", "/segment_groups", { token, json: groupFor(org, "gone") })).body.data.id;
    await call("DELETE", `/segment_groups/${gone}`, { token });
    // Tombstones are purged oldest position first, so earlier tests' younger ones must age too.
    for (const shard of testShards()) await shard.prepare("UPDATE segment_group_changes SET changed_at = ?1 WHERE change = 'deleted'").bind(new Date(Date.now() - 40 * DAY).toISOString()).run();
    await call("POST", "/segment_groups", { token, json: groupFor(org, "newest") });
    // A cursor issued after the purge, and one past the purged tombstone, stay good.
    await runCron(new Date());

    const expired = await call("GET", `/segment_groups/changes?organization_id=${org}&after=${staleCursor}`, { token });
    expect(expired.status, describeResponse(expired)).toBe(410);
    expect(errorsOf(expired)).toEqual([{ code: "cursor_expired", field: "after" }]);
    expect(expired.body.errors[0].message).toMatch(/GET \/segment_groups.*changes_cursor/);

    // What the message says to do: reload with the list, resume the feed from its changes_cursor.
    const list = await call("GET", `/segment_groups?organization_id=${org}`, { token });
    expect(list.body.data.map((g: any) => g.name).sort()).toEqual(["kept", "newest"]);
    const resumed = await call("GET", `/segment_groups/changes?organization_id=${org}&after=${list.body.meta.changes_cursor}`, { token });
    expect(resumed.status, describeResponse(resumed)).toBe(200);
    expect(resumed.body.data).toEqual([]);
    // Reading from the start works too, and shows no trace of the purged group.
    const fresh = await call("GET", `/segment_groups/changes?organization_id=${org}`, { token });
    expect(fresh.body.data.map((e: any) => e.id)).not.toContain(gone);
    expect(fresh.body.data.map((e: any) => e.id)).toContain(keep);
    // A replay from the start pages below the purge point without a 410: no purge since its cursors were issued.
    const first = await call("GET", `/segment_groups/changes?organization_id=${org}&limit=1`, { token });
    expect(first.body.meta.has_more).toBe(true);
    const second = await call("GET", `/segment_groups/changes?organization_id=${org}&limit=1&after=${first.body.meta.next_cursor}`, { token });
    expect(second.status, describeResponse(second)).toBe(200);
    expect(second.body.data.map((e: any) => e.id)).toEqual(fresh.body.data.slice(1, 2).map((e: any) => e.id));
  });

  it("is one of the Cron Trigger's jobs", () => {
    expect(SCHEDULED_JOBS.map((job) => job.name)).toContain("change_feed");
  });
});
