// `npm run test:scripts` (node:test): which bindings are shards, read from wrangler config files
// the way `npm run db:migrate` and `npm run deploy` read them, and `npm run db:migrate` itself
// against throwaway local databases (one wrangler run per binding, stopping at the first failure).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { migrateArgs, readShardBindings, shardBindings } from "./shards.ts";

const MIGRATE = fileURLToPath(new URL("./migrate-shards.ts", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "segment-groups-shards-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const entry = (binding: string, migrations = "migrations") =>
  `[[d1_databases]]\nbinding = "${binding}"\ndatabase_name = "${binding.toLowerCase()}"\ndatabase_id = "00000000-0000-0000-0000-${String(binding.length).padStart(12, "0")}"\nmigrations_dir = "${migrations}"\n`;

function configFile(name: string, toml: string): string {
  const path = join(dir, name);
  writeFileSync(path, `name = "shards-test"\ncompatibility_date = "2026-11-01"\n${toml}`);
  return path;
}

describe("shard bindings", () => {
  it("are DB first, then every DB_* binding sorted by name; other bindings are not shards", () => {
    const entries = ["DB_APAC", "MIGRATION_CHECK_DB", "DB_2", "DB", "REPLICA_DB", "DBX", "DB_10"].map((binding) => ({ binding }));
    assert.deepEqual(shardBindings(entries), ["DB", "DB_10", "DB_2", "DB_APAC"]);
    assert.deepEqual(shardBindings([{ binding: "REPLICA_DB" }]), []);
  });

  it("are read from [[d1_databases]] for the top level and from [[env.<name>.d1_databases]] for an environment", async () => {
    const path = configFile(
      "read.toml",
      [
        entry("DB"),
        entry("REPLICA_DB"),
        entry("DB_3"),
        entry("DB_2"),
        "[env.production]\n",
        entry("DB").replace("[[d1_databases]]", "[[env.production.d1_databases]]"),
        entry("DB_APAC").replace("[[d1_databases]]", "[[env.production.d1_databases]]"),
        "[env.staging]\n",
        entry("DB").replace("[[d1_databases]]", "[[env.staging.d1_databases]]"),
      ].join("\n"),
    );
    assert.deepEqual(await readShardBindings(path), ["DB", "DB_2", "DB_3"]);
    assert.deepEqual(await readShardBindings(path, "production"), ["DB", "DB_APAC"]);
    assert.deepEqual(await readShardBindings(path, "staging"), ["DB"]);
    // wrangler itself would quietly use the top level for an unknown environment.
    await assert.rejects(readShardBindings(path, "prod"), /no \[env\.prod\] section \(defined: production, staging\)/);
  });

  it("are each migrated with wrangler's own command, local or remote, in the chosen environment and config", () => {
    assert.deepEqual(migrateArgs("DB_2", { where: "local" }), ["d1", "migrations", "apply", "DB_2", "--local"]);
    assert.deepEqual(migrateArgs("DB_APAC", { where: "remote", environment: "production", config: "x.json" }), [
      "d1",
      "migrations",
      "apply",
      "DB_APAC",
      "--remote",
      "--env",
      "production",
      "--config",
      "x.json",
    ]);
  });
});

describe("npm run db:migrate", () => {
  mkdirSync(join(dir, "good"));
  writeFileSync(join(dir, "good", "0000_init.sql"), "CREATE TABLE segments (id INTEGER PRIMARY KEY);\n");
  mkdirSync(join(dir, "broken"));
  writeFileSync(join(dir, "broken", "0000_init.sql"), "CREATE TABLE segments (id INTEGER PRIMARY KEY;\n");

  const migrate = (...args: string[]) =>
    spawnSync(process.execPath, [MIGRATE, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000, env: { ...process.env, CI: "true" } });
  const tables = (config: string, binding: string) =>
    spawnSync(process.execPath, [WRANGLER, "d1", "execute", binding, "--local", "--config", config, "--json", "--command", "SELECT name FROM sqlite_master WHERE name = 'segments'"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    });

  it("applies the migrations to every shard of the config, and to no other database", () => {
    const config = configFile("migrate-ok.toml", [entry("DB", "good"), entry("MIGRATION_CHECK_DB", "good"), entry("DB_APAC", "good")].join("\n"));
    const run = migrate("--config", config);
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, output);
    assert.match(run.stdout, /2 shard\(s\) in the top level of .*migrate-ok\.toml, local: DB, DB_APAC/, output);
    assert.match(run.stdout, /every shard is migrated: DB, DB_APAC/, output);
    for (const binding of ["DB", "DB_APAC"]) assert.match(tables(config, binding).stdout, /"name": "segments"/, binding);
    assert.doesNotMatch(tables(config, "MIGRATION_CHECK_DB").stdout, /"name": "segments"/);
  });

  it("stops at the first shard that fails, naming what was migrated and what was not attempted", () => {
    const config = configFile("migrate-broken.toml", [entry("DB_3", "good"), entry("DB_2", "broken"), entry("DB", "good")].join("\n"));
    const run = migrate("--local", "--config", config);
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 1, output);
    assert.match(run.stderr, /`wrangler d1 migrations apply DB_2 --local --config .*` failed \(exit 1\); stopped at the first failure/, output);
    assert.match(run.stderr, /migrated: DB; failed: DB_2; not attempted: DB_3\./, output);
    assert.doesNotMatch(run.stdout, /DB_3 \(3 of 3\)/, output);
    assert.doesNotMatch(tables(config, "DB_3").stdout, /"name": "segments"/);
  });

  it("refuses --remote without an environment, and an environment the config does not define", () => {
    const config = configFile("migrate-remote.toml", entry("DB", "good"));
    const remote = migrate("--remote", "--config", config);
    assert.equal(remote.status, 1);
    assert.match(remote.stderr, /--remote needs --env <name>/);
    const unknown = migrate("--env", "nope", "--config", config);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no \[env\.nope\] section/);
  });
});
