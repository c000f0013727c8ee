import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../src/app-env";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** Empty; only test/db/migrations.test.ts applies migrations to it, one at a time. */
      MIGRATION_CHECK_DB: D1Database;
      /** The local issuer's private signing key (JWK JSON), for minting test tokens. */
      TEST_SIGNING_JWK: string;
    }
    /** Types `exports.default` from cloudflare:workers as the Worker's own entry. */
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
