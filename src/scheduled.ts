import type { Bindings } from "./app-env";
import { Database } from "./db/database";
import { purgeExpiredChanges } from "./db/segment-groups/purge-changes";

/** A job the Cron Trigger runs: what it did goes to the log. */
export interface PurgeJob {
  name: string;
  run(env: Bindings, now: Date): Promise<Record<string, unknown>>;
}

export const PURGE_JOBS: PurgeJob[] = [
  {
    name: "change_feed",
    run: async (env, now) => ({ ...(await purgeExpiredChanges(new Database(env.DB), now)) }),
  },
];

/**
 * The Worker's `scheduled` handler: runs every job (one failing does not stop the others),
 * logs one line per job, and fails the invocation if any job failed, so the Cron Trigger's
 * history shows it.
 */
export async function runPurgeJobs(env: Bindings, now: Date, jobs: readonly PurgeJob[] = PURGE_JOBS): Promise<void> {
  const failures: unknown[] = [];
  for (const job of jobs) {
    try {
      const result = await job.run(env, now);
      console.log(JSON.stringify({ level: "info", event: "purge", job: job.name, ...result }));
    } catch (err) {
      failures.push(err);
      const message = err instanceof Error ? err.message : String(err);
      console.error(JSON.stringify({ level: "error", event: "purge_failed", job: job.name, message }));
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} purge job(s) failed`);
}
