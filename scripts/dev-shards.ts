// `npm run dev -- --shards N`: the local configuration with N shards. It is wrangler.toml's top
// level plus the bindings DB_2 ... DB_N, written as JSON under .wrangler/ (gitignored) and passed
// to every wrangler command with --config. Pure: the caller reads and writes the files.
import { isAbsolute, join, relative, resolve } from "node:path";
import { isShardBinding, type D1Entry } from "./shards.ts";

export const MAX_DEV_SHARDS = 16;

/** The --shards value as a count, or the message that refuses it. */
export function parseShardCount(value: string | undefined): { count: number } | { error: string } {
  if (value === undefined) return { count: 1 };
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > MAX_DEV_SHARDS) {
    return { error: `dev: --shards must be a whole number from 1 to ${MAX_DEV_SHARDS}, not "${value}".` };
  }
  return { count };
}

/** Where the configuration for `count` shards lives, relative to the repository root. */
export function devShardsConfigPath(count: number): string {
  // One directory per count: each keeps its own local state (.wrangler/state beside the config),
  // so a directory in DB that places organizations on DB_3 never meets a run without DB_3.
  return join(".wrangler", `shards-${count}`, "wrangler.json");
}

/** Shard n's local database: `segment-groups` is shard 1, `segment-groups-2` shard 2, and so on. */
export function devShardEntry(db: D1Entry, n: number): D1Entry {
  if (n === 1) return db;
  return {
    ...db,
    binding: `DB_${n}`,
    database_name: `${db.database_name ?? "segment-groups"}-${n}`,
    // Local D1 keeps one database per id, so each shard needs its own (any id works locally).
    database_id: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`,
  };
}

type RawConfig = Record<string, unknown> & { d1_databases?: D1Entry[]; env?: unknown };

/**
 * wrangler.toml's raw top level (`raw`, as wrangler parses it) with `count` shards, ready to
 * be written to `configPath`. Paths in a wrangler config are relative to the file, so `main`,
 * the assets directory, the build's watch_dir and each migrations_dir are rebased from `root`.
 * `env` is dropped: this configuration is for local runs only.
 */
export function devShardsConfig(raw: RawConfig, count: number, paths: { root: string; configPath: string }): Record<string, unknown> {
  const configDir = resolve(paths.root, paths.configPath, "..");
  const rebase = (path: string) => (isAbsolute(path) ? path : relative(configDir, resolve(paths.root, path)) || ".");
  const entries = raw.d1_databases ?? [];
  const db = entries.find((entry) => entry.binding === "DB");
  if (!db) throw new Error("wrangler.toml has no [[d1_databases]] entry with binding DB.");

  const shards = Array.from({ length: count }, (_, i) => devShardEntry(db, i + 1));
  const others = entries.filter((entry) => !isShardBinding(entry.binding));
  const config: Record<string, unknown> = {
    ...raw,
    d1_databases: [...shards, ...others].map((entry) => (entry.migrations_dir ? { ...entry, migrations_dir: rebase(entry.migrations_dir) } : entry)),
  };
  delete config.env;
  if (typeof raw.main === "string") config.main = rebase(raw.main);
  const assets = raw.assets as { directory?: string } | undefined;
  if (assets?.directory) config.assets = { ...assets, directory: rebase(assets.directory) };
  const build = raw.build as { watch_dir?: string | string[] } | undefined;
  // wrangler's default watch_dir is ./src, relative to the config: it must move too.
  if (build) config.build = { ...build, watch_dir: Array.isArray(build.watch_dir) ? build.watch_dir.map(rebase) : rebase(build.watch_dir ?? "./src") };
  return config;
}
