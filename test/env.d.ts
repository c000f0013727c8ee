import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../src/app-env";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** The local issuer's private signing key (JWK JSON), for minting test tokens. */
      TEST_SIGNING_JWK: string;
    }
    /** Types `exports.default` from cloudflare:workers as the Worker's own entry. */
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
