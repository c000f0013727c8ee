import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// SHARDS=3 (npm run test:shards) runs the same suite on three shards, DB, DB_2 and DB_3: the
// organizations the tests write are placed over all three (src/db/shards/directory.ts).
const SHARDS = Number(process.env.SHARDS ?? "1");
const extraShards = Object.fromEntries(Array.from({ length: Math.max(0, SHARDS - 1) }, (_, i) => [`DB_${i + 2}`, `shard-${i + 2}`]));

// Tests run inside workerd against the real Worker entry. The local issuer (started in
// test/global-setup.ts, in Node) serves the JWKS over loopback; its URL and signing key
// reach the tests as bindings, alongside the D1 migrations the setup file applies.
export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          AUTH0_ISSUER_BASE_URL: inject<string>("issuerUrl"),
          TEST_SIGNING_JWK: inject<string>("issuerPrivateJwk"),
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          // The property-based tests' seed: fixed, so every run tries the same cases; set
          // FUZZ_SEED to explore others (a failure prints the seed that reproduces it).
          FUZZ_SEED: process.env.FUZZ_SEED ?? "20261127",
        },
        // DB as in wrangler.toml, plus an empty database on which a test replays the migrations
        // one by one over existing rows (test/db/migrations.test.ts), and one that plays a read
        // replica lagging behind DB (test/helpers/lagging-replica.ts).
        d1Databases: { DB: "00000000-0000-0000-0000-000000000000", MIGRATION_CHECK_DB: "migration-check", REPLICA_DB: "lagging-replica", ...extraShards },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup/apply-migrations.ts"],
    // Integration tests in test/, unit tests beside the pure modules they test (src/<folder>/<module>.test.ts).
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // The Worker logs one JSON line per request (src/middleware/request-log.ts); keep them out
    // of the test output. test/app/request-log.test.ts checks them with a spy.
    onConsoleLog: (log) => !log.includes('"event":"request"'),
  },
});
