import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { testShards } from "../helpers/shards";

// Setup files run before each test file; applying is idempotent (applied ones are skipped).
// Every shard carries the whole schema (npm run test:shards runs the suite on three).
for (const shard of testShards()) await applyD1Migrations(shard, env.TEST_MIGRATIONS);
