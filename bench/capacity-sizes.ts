// Reads a local D1 database's size the way SQLite itself accounts for it: `dbstat` (every
// b-tree page, by table and index) and the page count, through Debian's `sqlite3` CLI on the
// file miniflare keeps under --persist-to (an ordinary SQLite file in WAL mode).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unitCost, type Snapshot, type UnitCost } from "./capacity-model.ts";

/** The tables whose rows a snapshot counts (the ones a group's writes add rows to). */
export const COUNTED_TABLES = ["segments", "segment_groups", "segment_group_changes", "segment_group_members", "segment_group_index_backlog"] as const;

/** The D1 database file under a `--persist-to` directory (miniflare names it by a hash). */
export async function d1File(persistTo: string): Promise<string> {
  const dir = join(persistTo, "v3/d1/miniflare-D1DatabaseObject");
  const files = (await readdir(dir)).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`capacity: expected one D1 database in ${dir}, found ${files.length}`);
  return join(dir, files[0]!);
}

/** Reads only (no checkpoint, no write), while the Worker is idle. */
export function snapshot(file: string): Snapshot {
  const objects = query<{ owner: string; is_table: number; bytes: number }>(
    file,
    `SELECT coalesce(m.tbl_name, s.name) AS owner, (m.type IS NULL OR m.type = 'table') AS is_table, SUM(s.pgsize) AS bytes
       FROM dbstat AS s LEFT JOIN sqlite_master AS m ON m.name = s.name GROUP BY s.name`,
  );
  const tables: Snapshot["tables"] = {};
  for (const { owner, is_table, bytes } of objects) {
    const entry = (tables[owner] ??= { table: 0, indexes: 0 });
    if (is_table) entry.table += bytes;
    else entry.indexes += bytes;
  }
  const [page] = query<{ file_bytes: number }>(file, "SELECT p.page_count * s.page_size AS file_bytes FROM pragma_page_count AS p, pragma_page_size AS s");
  const counts = COUNTED_TABLES.map((table) => `SELECT '${table}' AS name, count(*) AS n FROM ${table}`).join(" UNION ALL ");
  const rows = Object.fromEntries(query<{ name: string; n: number }>(file, counts).map(({ name, n }) => [name, n]));
  return { tables, fileBytes: page!.file_bytes, rows };
}

function query<Row>(file: string, sql: string): Row[] {
  const out = execFileSync("sqlite3", ["-json", file, sql], { encoding: "utf8" }).trim();
  return out === "" ? [] : (JSON.parse(out) as Row[]);
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The directory's table and index exactly as migrations/0012 creates them (organization_shards, in DB). */
function directoryTable(): string {
  const migration = readFileSync(join(ROOT, "migrations", "0012_shards.sql"), "utf8").split("--> statement-breakpoint");
  return migration.filter((statement) => /CREATE (TABLE|INDEX) `organization_shards/.test(statement)).map((statement) => statement.replace(/^(--[^\n]*\n)+/gm, "").trim()).join(";\n");
}

/**
 * Bytes per directory row: `count` placements, then `count` more, in a scratch SQLite file
 * (organization ids from 100,000, shards `DB` and `DB_2` … `DB_8` in turn, an ISO placement time).
 */
export async function directoryRowCost(count: number): Promise<UnitCost> {
  const dir = await mkdtemp(join(tmpdir(), "segment-groups-capacity-directory-"));
  try {
    const file = join(dir, "directory.sqlite");
    const place = (from: number) =>
      `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${from + count - 1})
       INSERT INTO organization_shards (organization_id, shard, placed_at, changed_at)
       SELECT 100000 + i, CASE i % 8 WHEN 0 THEN 'DB' ELSE 'DB_' || (i % 8 + 1) END, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n`;
    execFileSync("sqlite3", [file, `${directoryTable()}; ${place(0)};`]);
    const first = directorySnapshot(file);
    execFileSync("sqlite3", [file, `${place(count)};`]);
    return unitCost(first, directorySnapshot(file), count);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function directorySnapshot(file: string): Snapshot {
  const [row] = query<{ bytes: number; n: number; file_bytes: number }>(
    file,
    `SELECT (SELECT SUM(pgsize) FROM dbstat WHERE name IN ('organization_shards', 'organization_shards_shard_idx')) AS bytes, (SELECT count(*) FROM organization_shards) AS n,
       (SELECT p.page_count * s.page_size FROM pragma_page_count AS p, pragma_page_size AS s) AS file_bytes`,
  );
  return { tables: { organization_shards: { table: row!.bytes, indexes: 0 } }, fileBytes: row!.file_bytes, rows: { organization_shards: row!.n } };
}
