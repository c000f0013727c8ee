/**
 * The form names are stored and searched in for the `q` filter: NFKC, then lower case. Done in
 * the Worker because SQLite's lower() only folds ASCII ("Élan" would not find "élan"). The
 * listings match it with `instr`, not LIKE, so `%` and `_` in a query are plain characters.
 */
export function foldName(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}
