import type { Bindings } from "../app-env";
import { readStorageLimits } from "../config";
import type { Database } from "../db/database";
import { purgeExpiredIdempotencyKeys } from "../db/idempotency/purge";
import { mergeBacklog } from "../db/segment-groups/member-index";
import { purgeExpiredChanges } from "../db/segment-groups/purge-changes";
import { purgeExpiredHistory } from "../db/segment-groups/purge-history";

/** One clean-up the Cron Trigger runs: deletes what expired by `now` (under the Worker's vars `env`), returns how many rows. */
export interface PurgeJob {
  name: string;
  purge(db: Database, now: Date, env: Partial<Bindings>): Promise<number>;
}

/** Every purge the Cron Trigger runs, in order. Add a job here; src/scheduled/index.ts runs them all. */
export const PURGE_JOBS: readonly PurgeJob[] = [
  { name: "idempotency_keys", purge: purgeExpiredIdempotencyKeys },
  // Counts the deleted groups whose tombstones (and history) went.
  { name: "change_feed", purge: async (db, now) => (await purgeExpiredChanges(db, now)).groups },
  // Counts the versions (history rows) deleted. Invalid retention vars fail this job only.
  {
    name: "history",
    purge: (db, now, env) => {
      const limits = readStorageLimits(env);
      return purgeExpiredHistory(db, now, { retentionDays: limits.historyRetentionDays, keepVersions: limits.historyKeepVersions });
    },
  },
  // Not an expiry: empties the reverse index's backlog, which only writes otherwise merge.
  // Counts the queued groups merged.
  { name: "member_index_backlog", purge: (db) => mergeBacklog(db) },
];
