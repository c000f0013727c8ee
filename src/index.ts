import { createApp } from "./app";
import { scheduled } from "./scheduled";

// The Worker entry: built once per isolate, so module-scope caches (the JWKS) stay warm.
const app = createApp();

export default {
  fetch: app.fetch,
  // The Cron Trigger (wrangler.toml `[triggers]`): purges expired rows, merges the reverse index's backlog.
  scheduled,
} satisfies ExportedHandler<import("./app-env").Bindings>;
