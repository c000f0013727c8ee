// What `npm run deploy` checks before it touches anything remote: the environment exists in
// wrangler.toml and none of its values is still a placeholder from the repository. Pure (data
// in, messages out), so the tests run it inside workerd without a filesystem or wrangler.
import { isShardBinding } from "./shards.ts";

/** The all-zero id the repository ships in place of a real D1 database id. */
export const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";
/** Every placeholder var value in wrangler.toml contains this. */
export const PLACEHOLDER_MARKER = "YOUR_";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUIRED_VARS = ["AUTH0_ISSUER_BASE_URL", "AUTH0_AUDIENCE"] as const;
const URL_VARS = ["AUTH0_ISSUER_BASE_URL", "AUTH0_JWKS_URI"] as const;

/** The part of wrangler's resolved configuration for one environment that a deploy depends on. */
export interface DeployConfig {
  vars: Record<string, unknown>;
  d1_databases: { binding: string; database_name?: string; database_id?: string; migrations_dir?: string }[];
}

export interface DeployTarget {
  /** The environment named on the command line, if any. */
  environment: string | undefined;
  /** The `[env.<name>]` sections of wrangler.toml. */
  environments: readonly string[];
  /** wrangler's configuration resolved for `environment` (only read when it is one of `environments`). */
  config: DeployConfig;
}

/**
 * Everything that must be fixed before `environment` can be deployed; empty when it is ready.
 * The top-level configuration (local development) is never a deploy target: wrangler would
 * silently fall back to it for an unknown environment name.
 */
export function deployProblems({ environment, environments, config }: DeployTarget): string[] {
  const known = environments.length ? environments.join(", ") : "none; add an [env.<name>] section to wrangler.toml";
  if (!environment) return [`Name the environment to deploy: npm run deploy -- <environment> (defined: ${known}).`];
  if (!environments.includes(environment)) return [`wrangler.toml has no [env.${environment}] section (defined: ${known}).`];

  const problems: string[] = [];
  const where = `[env.${environment}.vars]`;
  for (const name of REQUIRED_VARS) {
    if (typeof config.vars[name] !== "string" || !(config.vars[name] as string).trim()) problems.push(`${where} ${name} is not set.`);
  }
  for (const [name, value] of Object.entries(config.vars)) {
    if (typeof value === "string" && value.includes(PLACEHOLDER_MARKER)) {
      problems.push(`${where} ${name} is still the placeholder "${value}".`);
    }
  }
  for (const name of URL_VARS) {
    const value = config.vars[name];
    if (typeof value === "string" && value.trim() && !value.includes(PLACEHOLDER_MARKER) && !isHttpsUrl(value)) {
      problems.push(`${where} ${name} must be an https URL that Cloudflare can reach, not "${value}".`);
    }
  }

  problems.push(...databaseProblems(`[[env.${environment}.d1_databases]]`, config.d1_databases));
  return problems;
}

/**
 * Every D1 entry (each shard: DB and every DB_*, and any other binding) needs its real database
 * id, each its own; a shard with other migrations than DB would not hold the schema the Worker
 * expects.
 */
function databaseProblems(where: string, databases: DeployConfig["d1_databases"]): string[] {
  const problems: string[] = [];
  const db = databases.find((d) => d.binding === "DB");
  if (!db) problems.push(`${where} has no database bound as DB.`);
  const seen = new Map<string, string>();
  for (const { binding, database_name, database_id = "", migrations_dir } of databases) {
    if (database_id === PLACEHOLDER_DATABASE_ID) {
      problems.push(`${where} ${binding}: database_id is still the placeholder; \`npx wrangler d1 create ${database_name ?? "<name>"}\` prints the real one.`);
    } else if (!UUID.test(database_id)) {
      problems.push(`${where} ${binding}: database_id "${database_id}" is not a D1 database id (a UUID).`);
    } else {
      const other = seen.get(database_id.toLowerCase());
      if (other) problems.push(`${where} ${binding}: database_id is also ${other}'s; each binding needs its own database.`);
      else seen.set(database_id.toLowerCase(), binding);
    }
    if (db && binding !== "DB" && isShardBinding(binding) && migrations_dir !== db.migrations_dir) {
      problems.push(`${where} ${binding}: a shard needs DB's migrations_dir ("${db.migrations_dir ?? ""}"), not "${migrations_dir ?? ""}".`);
    }
  }
  return problems;
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value.trim()).protocol === "https:";
  } catch {
    return false;
  }
}
