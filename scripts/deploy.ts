// `npm run deploy -- <environment> [--check]` (staging, production: the [env.*] sections of
// wrangler.toml). Refuses placeholder values before touching anything, then applies the D1
// migrations to each of the environment's remote shard databases (DB, then DB_* by name; the
// first failure stops it) and deploys the Worker; `--check` stops after the refusal check.
// docs/deploy.md has the whole procedure. Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
// wrangler's own reader, so the check sees exactly the configuration the deploy will use
// (inheritance included). These exports are marked unstable/experimental by wrangler.
import { experimental_readRawConfig, unstable_readConfig } from "wrangler";
import { deployProblems, type DeployConfig } from "./deploy-check.ts";
import { migrateArgs, shardBindings } from "./shards.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const CONFIG = fileURLToPath(new URL("../wrangler.toml", import.meta.url));

const USAGE = "Usage: npm run deploy -- <environment> [--check]";
let parsed;
try {
  parsed = parseArgs({ options: { check: { type: "boolean" } }, allowPositionals: true, strict: true });
} catch (err) {
  fail(`deploy: ${(err as Error).message}\n${USAGE}`);
}
if (parsed.positionals.length > 1) fail(`deploy: name one environment.\n${USAGE}`);
const environment = parsed.positionals[0];

const { rawConfig } = experimental_readRawConfig({ config: CONFIG });
const environments = Object.keys(rawConfig.env ?? {});
const config: DeployConfig | undefined =
  environment && environments.includes(environment) ? unstable_readConfig({ config: CONFIG, env: environment }, { hideWarnings: true }) : undefined;
const problems = deployProblems({ environment, environments, config: config ?? { vars: {}, d1_databases: [] } });
if (problems.length) {
  fail(["deploy: not deploying; fix wrangler.toml first (docs/deploy.md):", ...problems.map((p) => `  - ${p}`)].join("\n"));
}
if (parsed.values.check) {
  console.log(`deploy: "${environment}" is ready to deploy (--check: nothing was run).`);
  process.exit(0);
}

// Every shard of the environment, DB first, so a new shard holds the schema before the Worker can place an organization on it.
for (const shard of shardBindings(config!.d1_databases)) {
  log(`Applying D1 migrations to the remote database ${shard} of "${environment}"`);
  await wrangler(migrateArgs(shard, { where: "remote", environment }));
}
log(`Deploying the Worker to "${environment}"`);
await wrangler(["deploy", "--env", environment!]);
console.log(`\n[deploy] Deployed "${environment}". Verify it as docs/deploy.md ("5. Verify with a real token") shows: GET /health, then a POST with a real token.`);

/** Runs wrangler in the foreground (it may ask for confirmation); any failure stops the deploy. */
async function wrangler(wranglerArgs: string[]): Promise<void> {
  const proc = spawn(process.execPath, [WRANGLER, ...wranglerArgs], { cwd: ROOT, stdio: "inherit" });
  const code = await new Promise<number | null>((resolve) => {
    proc.once("error", () => resolve(1));
    proc.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) fail(`deploy: \`wrangler ${wranglerArgs.join(" ")}\` failed (exit ${code}); stopped here.`);
}

function log(message: string): void {
  console.log(`\n[deploy] ${message}...`);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
