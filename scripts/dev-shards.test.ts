// `npm run test:scripts` (node:test): the configuration `npm run dev -- --shards N` writes, and
// the --shards values it refuses.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { experimental_readRawConfig, unstable_readConfig } from "wrangler";
import { devShardsConfig, devShardsConfigPath, MAX_DEV_SHARDS, parseShardCount } from "./dev-shards.ts";
import { shardBindings } from "./shards.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const raw = {
  name: "segment-groups-api",
  main: "src/index.ts",
  assets: { directory: "./assets", run_worker_first: ["/*"] },
  build: { command: "node scripts/openapi.ts", watch_dir: "src" },
  vars: { AUTH0_AUDIENCE: "https://segment-groups.example.com" },
  d1_databases: [
    { binding: "DB", database_name: "segment-groups", database_id: "00000000-0000-0000-0000-000000000000", migrations_dir: "migrations" },
    { binding: "MIGRATION_CHECK_DB", database_name: "scratch", database_id: "00000000-0000-0000-0000-0000000000ff", migrations_dir: "migrations" },
  ],
  env: { production: { d1_databases: [{ binding: "DB", database_name: "segment-groups-production" }] } },
};

describe("npm run dev -- --shards N: the generated configuration", () => {
  const paths = { root: "/repo", configPath: devShardsConfigPath(3) };

  it("lives under .wrangler/ (gitignored), one directory per shard count", () => {
    assert.equal(devShardsConfigPath(3), join(".wrangler", "shards-3", "wrangler.json"));
    assert.notEqual(devShardsConfigPath(2), devShardsConfigPath(3));
  });

  it("adds DB_2 ... DB_N beside DB, each its own local database and id, with the same migrations", () => {
    const config = devShardsConfig(raw, 3, paths);
    const entries = config.d1_databases as { binding: string; database_name: string; database_id: string; migrations_dir: string }[];
    assert.deepEqual(
      entries.map((e) => [e.binding, e.database_name, e.database_id, e.migrations_dir]),
      [
        ["DB", "segment-groups", "00000000-0000-0000-0000-000000000000", "../../migrations"],
        ["DB_2", "segment-groups-2", "00000000-0000-0000-0000-000000000002", "../../migrations"],
        ["DB_3", "segment-groups-3", "00000000-0000-0000-0000-000000000003", "../../migrations"],
        ["MIGRATION_CHECK_DB", "scratch", "00000000-0000-0000-0000-0000000000ff", "../../migrations"],
      ],
    );
    assert.deepEqual(shardBindings(entries), ["DB", "DB_2", "DB_3"]);
    assert.equal(new Set(entries.map((e) => e.database_id)).size, entries.length, "local D1 keeps one database per id");
  });

  it("rebases every path from the repository root to the config's directory, keeps the rest, and drops the deployed environments", () => {
    const config = devShardsConfig(raw, 2, paths);
    assert.equal(config.main, "../../src/index.ts");
    assert.deepEqual(config.assets, { directory: "../../assets", run_worker_first: ["/*"] });
    assert.deepEqual(config.build, { command: "node scripts/openapi.ts", watch_dir: "../../src" });
    assert.deepEqual(config.vars, raw.vars);
    assert.equal("env" in config, false);
    // wrangler's default watch_dir (./src) is relative to the config too.
    assert.deepEqual(devShardsConfig({ ...raw, build: { command: "x" } }, 2, paths).build, { command: "x", watch_dir: "../../src" });
  });

  it("with one shard is wrangler.toml's top level with its paths rebased", () => {
    const entries = devShardsConfig(raw, 1, paths).d1_databases as { binding: string }[];
    assert.deepEqual(
      entries.map((e) => e.binding),
      ["DB", "MIGRATION_CHECK_DB"],
    );
    assert.throws(() => devShardsConfig({ ...raw, d1_databases: [] }, 2, paths), /no \[\[d1_databases\]\] entry with binding DB/);
  });

  describe("written for the real wrangler.toml", () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-groups-dev-shards-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("resolves, through wrangler's own reader, to the same files as wrangler.toml, with three shards", () => {
      const configPath = join(dir, "nested", "wrangler.json");
      mkdirSync(join(dir, "nested"));
      const original = unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true });
      const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, "wrangler.toml") });
      writeFileSync(configPath, JSON.stringify(devShardsConfig(rawConfig as typeof raw, 3, { root: ROOT, configPath })));
      const generated = unstable_readConfig({ config: configPath }, { hideWarnings: true });

      assert.equal(generated.main, original.main);
      assert.equal(resolve(configPath, "..", generated.assets!.directory!), resolve(ROOT, original.assets!.directory!));
      assert.deepEqual(generated.build.watch_dir, original.build.watch_dir);
      assert.deepEqual(shardBindings(generated.d1_databases), ["DB", "DB_2", "DB_3"]);
      for (const entry of generated.d1_databases) {
        assert.equal(resolve(configPath, "..", entry.migrations_dir!), resolve(ROOT, "migrations"), entry.binding);
      }
      assert.deepEqual({ ...generated.vars }, { ...original.vars });
    });
  });
});

describe("npm run dev -- --shards N: the values it accepts", () => {
  it("is one shard without the option, and any whole number from 1 to 16", () => {
    assert.deepEqual(parseShardCount(undefined), { count: 1 });
    assert.deepEqual(parseShardCount("1"), { count: 1 });
    assert.deepEqual(parseShardCount("3"), { count: 3 });
    assert.deepEqual(parseShardCount(String(MAX_DEV_SHARDS)), { count: 16 });
  });

  it("refuses anything else, saying what it accepts", () => {
    for (const value of ["0", "17", "-1", "2.5", "3x", "", "three", "1e1"]) {
      assert.deepEqual(parseShardCount(value), { error: `dev: --shards must be a whole number from 1 to 16, not "${value}".` }, value);
    }
  });
});
