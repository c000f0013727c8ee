import type { Bindings } from "../app-env";
import { Database } from "../db/database";
import { shardBinding, shardNames } from "../db/shards/bindings";
import { SCHEDULED_JOBS, type ScheduledJob } from "./jobs";

/**
 * The Worker's `scheduled` handler (the `[triggers] crons` of wrangler.toml): runs every job
 * as of the trigger's scheduled time and logs one line per job. A failing job does not stop
 * the others; the run then fails, so the Cron Trigger's history shows it.
 */
export async function scheduled(controller: ScheduledController, env: Bindings): Promise<void> {
  // Every shard runs every job (each holds its organizations' keys, history and index); with
  // several, each line names its shard.
  const shards = shardNames(env);
  const failed: unknown[] = [];
  for (const shard of shards) {
    try {
      await runScheduledJobs(SCHEDULED_JOBS, new Database(shardBinding(env, shard)), new Date(controller.scheduledTime), controller.cron, env, shards.length > 1 ? shard : undefined);
    } catch (err) {
      failed.push(err);
    }
  }
  if (failed.length > 0) {
    const first = failed[0] instanceof Error ? failed[0].message : String(failed[0]);
    throw new AggregateError(failed, shards.length === 1 ? first : `on ${failed.length} of ${shards.length} shards: ${first}`);
  }
}

export async function runScheduledJobs(jobs: readonly ScheduledJob[], db: Database, now: Date, cron: string, env: Partial<Bindings> = {}, shard?: string): Promise<void> {
  const failed: unknown[] = [];
  const where = shard === undefined ? {} : { shard };
  for (const job of jobs) {
    try {
      const count = await job.run(db, now, env);
      console.log(JSON.stringify({ level: "info", event: "scheduled_job", job: job.name, cron, ...where, now: now.toISOString(), [job.counts]: count }));
    } catch (err) {
      failed.push(err);
      console.error(JSON.stringify({ level: "error", event: "scheduled_job_failed", job: job.name, cron, ...where, message: err instanceof Error ? err.message : String(err) }));
    }
  }
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} of ${jobs.length} scheduled jobs failed`);
}
