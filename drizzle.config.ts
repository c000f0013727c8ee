import { defineConfig } from "drizzle-kit";

// drizzle-kit writes plain SQL files into migrations/, the folder wrangler.toml names as
// `migrations_dir`, so one set of files serves `wrangler d1 migrations apply` and the tests.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
