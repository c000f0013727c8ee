import type { SegmentType } from "../enums";
import { jsonParam, sqlParams, type Database } from "../database";
import { feedStateOf, feedStateStatement, type FeedState } from "./changes";
import { MAX_MEMBERS_PER_PAGE, type ListView, type SegmentGroupFilters, type SummaryRow } from "./list";
import { groupAttributeFiltersSql } from "./list-filters";
import { candidateUsersSql, liveCandidateSql } from "./member-index";
import { GROUP_COLUMNS, inOrganizationsSql, SUMMARY_COLUMNS, type SegmentGroupRow } from "./row";

export interface SegmentReference {
  segmentType: SegmentType;
  segmentId: number;
}

/** A candidate of a reverse lookup page: an index row or a queued group, and the group it stands for if that group is an answer. */
export interface Candidate<Row> {
  key: number;
  queued: boolean;
  group: Row | null;
}

// Per organization, the index and the backlog give its candidates in key order (two terms of a
// compound SELECT each, and D1 allows 5); past this many organizations one statement over all
// of them stays within D1's limit, at the price of reading every index row of the segment in
// those organizations (and sorting them).
const MAX_MERGED_ORGANIZATIONS = 2;

// Above every index_key: a first page has no bound.
const NO_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * One page of the groups of `filters.organizationIds` that use `segment`, newest first by
 * `index_key` (creation order), below `before` (the previous page's `nextBefore`), and the
 * change feed's state, in ONE batch of two statements.
 *
 * A page examines at most `limit + 1` candidates: the organizations' index rows of the segment
 * and their queued groups (the backlog), merged in key order by SQLite, which stops there.
 * Each costs D1 two rows (itself, then its group or the "is it queued?" probe), so a page
 * reads at most about 2 × limit + 10 rows whatever the segment's popularity (one or two
 * organizations; a few rows more per further organization). The price: a candidate that is not
 * an answer (a queued group that no longer uses the segment, the stale index row of a queued
 * group, a group the other filters refuse) still takes its place, so a page may hold fewer than
 * `limit` groups, even none, while `nextBefore` says more may follow.
 */
export async function listSegmentGroupsUsingSegment(
  db: Database,
  filters: SegmentGroupFilters,
  segment: SegmentReference,
  page: { limit: number; before?: number; view: ListView },
): Promise<{ rows: (SegmentGroupRow | SummaryRow)[]; keys: number[]; nextBefore: number | null; feed: FeedState }> {
  const organizations = filters.organizationIds;
  if (organizations.length === 0) {
    const [feed] = await db.batch([feedStateStatement(db)]);
    return { rows: [], keys: [], nextBefore: null, feed: feedStateOf(feed) };
  }
  const { values: params, bind } = sqlParams();
  const [type, id, before] = [bind(segment.segmentType), bind(segment.segmentId), bind(page.before ?? NO_BOUND)];
  // Organization ids are safe integers from the verified token, so they can be written inline.
  const arms =
    organizations.length <= MAX_MERGED_ORGANIZATIONS
      ? organizations.map((o) => candidateUsersSql(type, id, (column) => `${column} = ${Number(o)}`, before))
      : [candidateUsersSql(type, id, (column) => inOrganizationsSql(column, bind(jsonParam(organizations))), before)];
  const live = liveCandidateSql("c", "g", type, id);
  const columns = (page.view === "summary" ? SUMMARY_COLUMNS : GROUP_COLUMNS).split(", ").map((column) => `g.${column}`);
  // A candidate that is not an answer keeps its row, its group's columns NULL (LEFT JOIN).
  const answers = [`g.index_key = ${live.joinKey}`, "g.organization_id = c.organization_id", live.uses, ...groupAttributeFiltersSql(filters, bind, "g")];
  const sql = `WITH candidates AS (${arms.join(" UNION ALL ")} ORDER BY group_key DESC LIMIT ${bind(page.limit + 1)})
    SELECT c.group_key AS candidate_key, c.queued AS candidate_queued, ${columns.join(", ")}
    FROM candidates AS c LEFT JOIN segment_groups AS g ON ${answers.join(" AND ")}`;
  const [rows, feed] = (await db.batch([db.statement(sql, ...params), feedStateStatement(db)])) as [CandidateRow[], unknown[]];
  const candidates = rows.map(({ candidate_key, candidate_queued, ...group }) => ({
    key: candidate_key,
    queued: candidate_queued === 1,
    group: group.id === null ? null : (group as SegmentGroupRow | SummaryRow),
  }));
  const weight = (row: SegmentGroupRow | SummaryRow) => (page.view === "full" ? row.member_count : 0);
  return { ...pageOfCandidates(candidates, page.limit, weight, MAX_MEMBERS_PER_PAGE), feed: feedStateOf(feed) };
}

type CandidateRow = { candidate_key: number; candidate_queued: number; id: string | null } & Record<string, unknown>;

/**
 * Cuts a reverse lookup page from the candidates a statement examined (at most `limit + 1`, in
 * any order): at most `limit` answers, newest first, stopping before the one that would take
 * their weight past `budget` (the first always fits); `nextBefore` is where the next page
 * starts (an exclusive bound on keys), null when no candidate is left.
 *
 * The next page starts below the last candidate examined, except in one case: a queued group
 * has two candidates with the same key (its stale index row, which is never an answer, and its
 * queued row, which may be), and if the cut fell between them after the index row, the next
 * page starts at that key again so the queued row is examined (nothing of that key was shown).
 */
export function pageOfCandidates<Row>(
  candidates: Candidate<Row>[],
  limit: number,
  weight: (row: Row) => number,
  budget: number,
): { rows: Row[]; keys: number[]; nextBefore: number | null } {
  const examined = [...candidates].sort((a, b) => b.key - a.key);
  const rows: Row[] = [];
  // Each answer's key: a page merged from several shards resumes each below the last it showed.
  const keys: number[] = [];
  let total = 0;
  let lastShown = 0;
  for (const candidate of examined) {
    if (candidate.group === null) continue;
    const next = total + weight(candidate.group);
    if (rows.length === limit || (rows.length > 0 && next > budget)) return { rows, keys, nextBefore: lastShown };
    rows.push(candidate.group);
    keys.push(candidate.key);
    total = next;
    lastShown = candidate.key;
  }
  if (examined.length <= limit) return { rows, keys, nextBefore: null };
  const last = examined.at(-1)!;
  const twinUnexamined = !last.queued && last.group === null && !examined.some((c) => c.queued && c.key === last.key);
  return { rows, keys, nextBefore: twinUnexamined ? last.key + 1 : last.key };
}
