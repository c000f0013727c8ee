import type { Bindings } from "../app-env";
import { readStorageLimits } from "../config";
import type { Database } from "../db/database";
import { purgeExpiredIdempotencyKeys } from "../db/idempotency/purge";
import { mergeBacklog } from "../db/segment-groups/member-index";
import { purgeExpiredChanges } from "../db/segment-groups/purge-changes";
import { purgeExpiredHistory } from "../db/segment-groups/purge-history";

/**
 * One task the Cron Trigger runs as of `now`, under the Worker's vars `env`. It returns how many
 * things it did; `counts` names them, and is the field that number takes in the job's log line.
 */
export interface ScheduledJob {
  name: string;
  counts: "deleted" | "merged";
  run(db: Database, now: Date, env: Partial<Bindings>): Promise<number>;
}

/** Every job the Cron Trigger runs, in order. Add a job here; src/scheduled/index.ts runs them all. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { name: "idempotency_keys", counts: "deleted", run: purgeExpiredIdempotencyKeys },
  // The deleted groups whose tombstones (and history) went.
  { name: "change_feed", counts: "deleted", run: async (db, now) => (await purgeExpiredChanges(db, now)).groups },
  // The versions (history rows) deleted. Invalid retention vars fail this job only.
  {
    name: "history",
    counts: "deleted",
    run: (db, now, env) => {
      const limits = readStorageLimits(env);
      return purgeExpiredHistory(db, now, { retentionDays: limits.historyRetentionDays, keepVersions: limits.historyKeepVersions });
    },
  },
  // Not an expiry: empties the reverse index's backlog, which only writes otherwise merge.
  { name: "member_index_backlog", counts: "merged", run: (db) => mergeBacklog(db) },
];
