import { createApp } from "./app";

// The Worker entry: built once per isolate, so module-scope caches (the JWKS) stay warm.
const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<import("./app-env").Bindings>;
