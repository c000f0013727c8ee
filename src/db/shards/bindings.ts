/**
 * The shards: D1 bindings. `DB` is always one (the first, and the home of the directory);
 * every other binding named `DB_<letters and digits>` is another, in name order. Adding a
 * `[[d1_databases]]` entry to wrangler.toml is all it takes to add one (docs/deploy.md).
 * With `DB` alone the API reads and writes exactly as it did before shards existed.
 */
export const PRIMARY_SHARD = "DB";

// `DB_` then letters and digits: the part after `DB_` names the shard inside a bookmark
// (src/db/shards/bookmarks.ts), which may hold letters, digits and `-` only.
const SHARD_BINDING = /^DB_[A-Za-z0-9]{1,32}$/;

const namesByEnv = new WeakMap<object, readonly string[]>();

function isD1Binding(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function" && typeof (value as D1Database).withSession === "function";
}

/** The shard bindings of `env`, `DB` first, then the others by name; computed once per env object. */
export function shardNames(env: object): readonly string[] {
  let names = namesByEnv.get(env);
  if (!names) {
    const record = env as Record<string, unknown>;
    const others = Object.keys(record)
      .filter((name) => SHARD_BINDING.test(name) && isD1Binding(record[name]))
      .sort();
    names = [PRIMARY_SHARD, ...others];
    namesByEnv.set(env, names);
  }
  return names;
}

export function isSharded(env: object): boolean {
  return shardNames(env).length > 1;
}

/** The D1 binding of shard `name` (one of shardNames). */
export function shardBinding(env: object, name: string): D1Database {
  const binding = (env as Record<string, unknown>)[name];
  if (!isD1Binding(binding)) throw new Error(`no D1 binding named ${name}`);
  return binding;
}
