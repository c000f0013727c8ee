import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import worker from "../../src/index";
import { Database } from "../../src/db/database";
import { runScheduledJobs } from "../../src/scheduled";
import { SCHEDULED_JOBS } from "../../src/scheduled/jobs";
import { IDEMPOTENCY_KEY_RETENTION_MS } from "../../src/idempotency";
import wranglerToml from "../../wrangler.toml?raw";
import { call, describeResponse } from "../helpers/api";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { idempotencyKeysOf, newKey } from "../helpers/idempotency";
import { mintToken } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";
import { shardNames } from "../../src/db/shards/bindings";

const CRON = "17 * * * *";
let logSpy: MockInstance<typeof console.log>;

beforeEach(async () => {
  await seedCatalog();
  logSpy = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => logSpy.mockRestore());

/** Runs the Worker's scheduled handler as the Cron Trigger would, at `scheduledTime`. */
async function runCron(scheduledTime: number) {
  logSpy.mockClear();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: CRON }), env);
  // This file is about idempotency keys; the change feed's job is tested in test/segment-groups/list-changes.retention.test.ts.
  return logSpy.mock.calls.map((args) => JSON.parse(String(args[0]))).filter((entry) => entry.event === "scheduled_job" && entry.job === "idempotency_keys");
}

describe("scheduled: the Cron Trigger's purge", () => {
  it("keeps a key for 24 hours, then purges it, and the key is free again", async () => {
    const subject = `auth0|${crypto.randomUUID()}`;
    const token = await mintToken({ claims: { sub: subject, organization_ids: [ORG] } });
    const key = newKey();
    const sentAt = Date.now();
    const first = await call("POST", "/segment_groups", { token, json: validGroup(), headers: { "Idempotency-Key": key } });
    expect(first.status, describeResponse(first)).toBe(201);

    await runCron(sentAt + IDEMPOTENCY_KEY_RETENTION_MS - 1000);
    expect(await idempotencyKeysOf(subject)).toHaveLength(1);
    const replay = await call("POST", "/segment_groups", { token, json: validGroup(), headers: { "Idempotency-Key": key } });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");

    const purged = await runCron(Date.now() + IDEMPOTENCY_KEY_RETENTION_MS + 1000);
    // One line per shard (each naming its shard when there are several).
    expect(purged).toEqual(
      shardNames(env).map((shard) => ({ level: "info", event: "scheduled_job", job: "idempotency_keys", cron: CRON, ...(SHARDED ? { shard } : {}), now: expect.any(String), deleted: expect.any(Number) })),
    );
    expect(purged.reduce((sum: number, line: { deleted: number }) => sum + line.deleted, 0)).toBeGreaterThanOrEqual(1);
    expect(await idempotencyKeysOf(subject)).toEqual([]);
    // Expired and purged: the same key now does new work, even for another body.
    const again = await call("POST", "/segment_groups", { token, json: validGroup({ name: "After expiry" }), headers: { "Idempotency-Key": key } });
    expect(again.status, describeResponse(again)).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBeNull();
    expect(again.body.data.id).not.toBe(first.body.data.id);
  });

  it("purges a backlog larger than one chunk, and only what expired", async () => {
    const subject = `backlog|${crypto.randomUUID()}`;
    const now = Date.parse("2030-01-01T00:00:00.000Z");
    const expired = new Date(now - 1).toISOString();
    const live = new Date(now + 1).toISOString();
    await env.DB.prepare(
      `WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 2500)
       INSERT INTO idempotency_keys (subject, route, key, fingerprint, status, snapshot, expires_at)
       SELECT ?1, 'POST /segment_groups', 'k' || value, 'f', 201, '{}', ?2 FROM n`,
    ).bind(subject, expired).run();
    await env.DB.prepare("INSERT INTO idempotency_keys VALUES (?1, 'POST /segments/bulk', 'live', 'f', 200, '[]', ?2)").bind(subject, live).run();

    const [log] = await runCron(now);
    expect(log.deleted).toBeGreaterThanOrEqual(2500);
    expect(await idempotencyKeysOf(subject)).toEqual([{ route: "POST /segments/bulk", key: "live", status: 200, expires_at: live }]);
  });

  it("runs every job even when one fails, then fails the run so the trigger's history shows it", async () => {
    const errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const ran: string[] = [];
      const jobs = [
        { name: "broken", counts: "deleted" as const, run: async () => { throw new Error("expected failure of a test job"); } },
        { name: "fine", counts: "deleted" as const, run: async () => { ran.push("fine"); return 3; } },
      ];
      await expect(runScheduledJobs(jobs, new Database(env.DB), new Date(), CRON)).rejects.toThrow("1 of 2 scheduled jobs failed");
      expect(ran).toEqual(["fine"]);
      expect(errorSpy.mock.calls.map((args) => JSON.parse(String(args[0])))).toEqual([
        { level: "error", event: "scheduled_job_failed", job: "broken", cron: CRON, message: "expected failure of a test job" },
      ]);
    } finally {
      errorSpy.mockRestore();
    }
  });

  it("has the idempotency purge among its jobs, and a cron schedule in every environment", () => {
    expect(SCHEDULED_JOBS.map((job) => job.name)).toContain("idempotency_keys");
    const environments = [...wranglerToml.matchAll(/^\[env\.([\w-]+)\.vars\]$/gm)].map((m) => m[1]!);
    expect(environments.length).toBeGreaterThan(0);
    for (const section of ["triggers", ...environments.map((name) => `env.${name}.triggers`)]) {
      const body = new RegExp(`^\\[${section.replaceAll(".", "\\.")}\\]\\ncrons = \\[("[^"]+")`, "m").exec(wranglerToml);
      expect(body?.[1], `[${section}] crons`).toBe(`"${CRON}"`);
    }
  });
});
