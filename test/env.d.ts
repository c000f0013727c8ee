import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    // Merged into the Env that `npm run types` generates from wrangler.toml.
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Empty; only test/db/migrations.test.ts applies migrations to it, one at a time. */
      MIGRATION_CHECK_DB: D1Database;
      /** A copy of DB at some past moment: the lagging read replica of test/helpers/lagging-replica.ts. */
      REPLICA_DB: D1Database;
      /** The local issuer's private signing key (JWK JSON), for minting test tokens. */
      TEST_SIGNING_JWK: string;
      /** The seed of the property-based tests (test/fuzz/); FUZZ_SEED in the environment overrides it. */
      FUZZ_SEED: string;
    }
  }
}
