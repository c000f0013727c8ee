// `npm run db:migrate -- [--local | --remote] [--env <name>] [--config <file>]`: applies the D1
// migrations to every shard of one configuration (DB, then each DB_* binding in name order)
// with `wrangler d1 migrations apply`, one binding after the other, and stops at the first
// failure. --local (the default) is the state under .wrangler/; --remote needs --env (the top
// level of wrangler.toml is local only) and `npx wrangler login` or CLOUDFLARE_API_TOKEN.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrateArgs, readShardBindings, type WranglerTarget } from "./shards.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const USAGE = "Usage: npm run db:migrate -- [--local | --remote] [--env <name>] [--config <file>]";

let values;
try {
  ({ values } = parseArgs({
    options: { local: { type: "boolean" }, remote: { type: "boolean" }, env: { type: "string" }, config: { type: "string", short: "c" } },
    strict: true,
  }));
} catch (err) {
  fail(`db:migrate: ${(err as Error).message}\n${USAGE}`);
}
if (values.local && values.remote) fail(`db:migrate: choose --local or --remote, not both.\n${USAGE}`);
if (values.remote && !values.env) fail(`db:migrate: --remote needs --env <name>: the top level of wrangler.toml is for local runs only.\n${USAGE}`);

const target: WranglerTarget = { where: values.remote ? "remote" : "local", environment: values.env, config: values.config };
const config = values.config ?? "wrangler.toml";
let bindings: string[];
try {
  bindings = await readShardBindings(config, values.env);
} catch (err) {
  fail(`db:migrate: ${(err as Error).message}`);
}
const where = `${values.env ? `"${values.env}"` : "the top level"} of ${config}, ${target.where}`;
if (!bindings.length) fail(`db:migrate: no shard in ${where}: no [[d1_databases]] entry has binding DB or DB_*.`);

console.log(`[db:migrate] ${bindings.length} shard(s) in ${where}: ${bindings.join(", ")}`);
for (const [i, binding] of bindings.entries()) {
  console.log(`\n[db:migrate] ${binding} (${i + 1} of ${bindings.length})...`);
  const args = migrateArgs(binding, target);
  const code = await runWrangler(args);
  if (code !== 0) {
    const done = bindings.slice(0, i);
    const skipped = bindings.slice(i + 1);
    fail(
      [
        `db:migrate: \`wrangler ${args.join(" ")}\` failed (exit ${code}); stopped at the first failure.`,
        `  migrated: ${done.join(", ") || "none"}; failed: ${binding}; not attempted: ${skipped.join(", ") || "none"}.`,
        "  Fix the cause and run the same command again: wrangler applies only the migrations each database has not seen.",
      ].join("\n"),
    );
  }
}
console.log(`\n[db:migrate] every shard is migrated: ${bindings.join(", ")}`);

/** Runs wrangler in the foreground (--remote asks to confirm unless CI is set). */
function runWrangler(args: string[]): Promise<number | null> {
  const proc = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: "inherit" });
  return new Promise((resolve) => {
    proc.once("error", () => resolve(1));
    proc.once("exit", (code) => resolve(code));
  });
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
