import { createApp } from "./app";
import type { Bindings } from "./app-env";
import { runPurgeJobs } from "./scheduled";

// The Worker entry: built once per isolate, so module-scope caches (the JWKS) stay warm.
const app = createApp();

export default {
  fetch: app.fetch,
  // The Cron Trigger ([triggers] in wrangler.toml): purges of expired data (src/scheduled.ts).
  async scheduled(controller, env) {
    await runPurgeJobs(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
