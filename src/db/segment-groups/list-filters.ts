import { foldName } from "../name-search";
import type { SegmentGroupFilters } from "./list";

/**
 * The listing's filters on a group's own columns (`type`, `status`, `q`) as SQL conditions on
 * table `g` (SQL alias, or "" for the bare columns), values bound through `bind`. Shared by the
 * plain listing and the reverse lookup, so both filter alike.
 */
export function groupAttributeFiltersSql(filters: SegmentGroupFilters, bind: (value: unknown) => string, g = ""): string[] {
  const column = (name: string) => (g === "" ? name : `${g}.${name}`);
  const where: string[] = [];
  if (filters.type !== undefined) where.push(`${column("type")} = ${bind(filters.type)}`);
  if (filters.status !== undefined) where.push(`${column("status")} = ${bind(filters.status ? 1 : 0)}`);
  if (filters.nameQuery !== undefined) where.push(`instr(${column("name_folded")}, ${bind(foldName(filters.nameQuery))}) > 0`);
  return where;
}
