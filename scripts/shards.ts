// Which D1 bindings are shards, and the wrangler commands that run on each: shared by
// `npm run db:migrate`, `npm run dev -- --shards N` and `npm run deploy`. A shard is `DB` or any
// binding whose name starts with `DB_`; other bindings (a test's scratch database) are not.
// docs/deploy.md, "Adding a shard", is the procedure these serve.
/** The part of a `[[d1_databases]]` entry the shard rules read. */
export interface D1Entry {
  binding: string;
  database_name?: string;
  database_id?: string;
  migrations_dir?: string;
}

/** True for the bindings that are shards: `DB` (always shard 1) and every `DB_*`. */
export function isShardBinding(binding: string): boolean {
  return binding === "DB" || binding.startsWith("DB_");
}

/** The shards among `entries`, in binding order: `DB` first, then the others sorted by name. */
export function shardBindings(entries: readonly D1Entry[]): string[] {
  const others = entries.map((entry) => entry.binding).filter((binding) => binding !== "DB" && isShardBinding(binding));
  const shards = entries.some((entry) => entry.binding === "DB") ? ["DB"] : [];
  return [...shards, ...[...new Set(others)].sort()];
}

/**
 * The shard bindings of one environment of a wrangler config file (`[[d1_databases]]` without
 * `environment`, `[[env.<name>.d1_databases]]` with it), read by wrangler itself. Throws for an
 * environment the file does not define: wrangler would silently fall back to the top level.
 */
export async function readShardBindings(config: string, environment?: string): Promise<string[]> {
  // Loaded on use: importing wrangler takes seconds, and `npm run dev` without shards needs none of it.
  const { experimental_readRawConfig, unstable_readConfig } = await import("wrangler");
  if (environment !== undefined) {
    const defined = Object.keys(experimental_readRawConfig({ config }).rawConfig.env ?? {});
    if (!defined.includes(environment)) {
      throw new Error(`${config} has no [env.${environment}] section (defined: ${defined.join(", ") || "none"}).`);
    }
  }
  return shardBindings(unstable_readConfig({ config, env: environment }, { hideWarnings: true }).d1_databases);
}

export interface WranglerTarget {
  /** `--local` (the state in .wrangler/) or `--remote` (Cloudflare). */
  where: "local" | "remote";
  environment?: string;
  /** A config file other than wrangler.toml. */
  config?: string;
}

/** The arguments after `wrangler` that apply the migrations to one shard. */
export function migrateArgs(binding: string, target: WranglerTarget): string[] {
  return ["d1", "migrations", "apply", binding, ...targetArgs(target)];
}

/** The arguments after `wrangler` that run a SQL file on one shard. */
export function executeFileArgs(binding: string, file: string, target: WranglerTarget): string[] {
  return ["d1", "execute", binding, ...targetArgs(target), "--file", file];
}

function targetArgs({ where, environment, config }: WranglerTarget): string[] {
  return [`--${where}`, ...(environment ? ["--env", environment] : []), ...(config ? ["--config", config] : [])];
}
