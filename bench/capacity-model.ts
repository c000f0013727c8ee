// The arithmetic of `npm run bench:capacity`: what a seeded database's growth says per unit
// (a group, a version, a segment, an index row), and what that means for a 10 GB shard and for
// a platform. No I/O here, so bench/capacity.check.ts can hold every formula.

/** One look at a database: bytes per table (its own b-tree) and per table's indexes (from dbstat), rows, file size. */
export interface Snapshot {
  /** Table name → bytes of its own b-tree and of its indexes' b-trees (SUM(pgsize) FROM dbstat). */
  tables: Record<string, { table: number; indexes: number }>;
  /** page_count × page_size: what the file holds, free pages included. */
  fileBytes: number;
  /** Table name → rows, for the tables whose rows are counted. */
  rows: Record<string, number>;
}

/** What `units` more of something added to a database, per unit. */
export interface UnitCost {
  units: number;
  /** Table name → bytes per unit in the table's own b-tree and in its indexes (only tables that moved). */
  tables: Record<string, { table: number; indexes: number }>;
  /** Every b-tree page in use (dbstat), per unit. */
  stored: number;
  /** The file (free pages included), per unit. */
  file: number;
  /** Table name → rows per unit (only tables that moved). */
  rows: Record<string, number>;
}

/**
 * The cost of one unit, from the difference between two snapshots taken `units` apart, never
 * from one snapshot (that would charge the schema's empty pages and the catalog to the unit).
 */
export function unitCost(before: Snapshot, after: Snapshot, units: number): UnitCost {
  if (!(units > 0)) throw new Error(`unitCost: units must be positive, not ${units}`);
  const tables: UnitCost["tables"] = {};
  for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    const was = before.tables[name] ?? { table: 0, indexes: 0 };
    const now = after.tables[name] ?? { table: 0, indexes: 0 };
    const table = (now.table - was.table) / units;
    const indexes = (now.indexes - was.indexes) / units;
    if (table !== 0 || indexes !== 0) tables[name] = { table, indexes };
  }
  const rows: UnitCost["rows"] = {};
  for (const name of Object.keys(after.rows)) {
    const added = ((after.rows[name] ?? 0) - (before.rows[name] ?? 0)) / units;
    if (added !== 0) rows[name] = added;
  }
  return { units, tables, stored: storedBytes(after) / units - storedBytes(before) / units, file: (after.fileBytes - before.fileBytes) / units, rows };
}

export function storedBytes(snapshot: Snapshot): number {
  return Object.values(snapshot.tables).reduce((sum, { table, indexes }) => sum + table + indexes, 0);
}

/** Bytes per row of `table` (its b-tree and its indexes), from a cost that added rows to it. */
export function bytesPerRow(cost: UnitCost, table: string): number {
  const bytes = cost.tables[table];
  const rows = cost.rows[table];
  if (!bytes || !rows) throw new Error(`bytesPerRow: the measured step added no rows to ${table}`);
  return (bytes.table + bytes.indexes) / rows;
}

/**
 * Bytes per member, from two group sizes: what a group of `largeMembers` costs beyond one of
 * `smallMembers`, spread over the extra members.
 */
export function bytesPerMember(small: { members: number; bytes: number }, large: { members: number; bytes: number }): number {
  if (large.members <= small.members) throw new Error("bytesPerMember: the large shape needs more members than the small one");
  return (large.bytes - small.bytes) / (large.members - small.members);
}

/**
 * What one group occupies once it holds `versions` rows of history: its create (the group row,
 * its index rows and its first feed event, which is its first version) plus each further version.
 */
export function bytesPerGroup(create: number, version: number, versions: number): number {
  if (!Number.isInteger(versions) || versions < 1) throw new Error(`bytesPerGroup: a group holds at least 1 version, not ${versions}`);
  return create + (versions - 1) * version;
}

/** D1's maximum database size (Cloudflare's limits page: 10 GB), in bytes. */
export const SHARD_BYTES = 10_000_000_000;

export function groupsPerShard(groupBytes: number, shardBytes = SHARD_BYTES): number {
  return Math.floor(shardBytes / groupBytes);
}

/** Shards for `totalBytes`, each filled to at most `fill` of its size (room for growth and moves). */
export function shardsForBytes(totalBytes: number, fill: number, shardBytes = SHARD_BYTES): number {
  return Math.max(1, Math.ceil(totalBytes / (shardBytes * fill)));
}

export function shardsForWrites(peakWritesPerSecond: number, writesPerShard: number): number {
  if (!(writesPerShard > 0)) throw new Error("shardsForWrites: a shard must sustain some writes");
  return Math.max(1, Math.ceil(peakWritesPerSecond / writesPerShard));
}
