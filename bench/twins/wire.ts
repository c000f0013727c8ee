// What the bench and the twins exchange: the API's own request shapes, and the D1 usage a
// twin reports with each create. Plain types, so the Node side and the Workers share them.

export type SegmentType = "CONTEXTUAL" | "3P";

export interface GroupBody {
  name: string;
  type: "CONTEXTUAL" | "AUDIENCE";
  organization_id: number;
  status: boolean;
  subgroup_operator?: "AND" | "OR";
  segment_subgroup: {
    segment_operator: "AND" | "OR";
    exclude?: boolean;
    segment_members: { segment_id: number; segment_type: SegmentType }[];
  }[];
}

export interface CatalogItem {
  segment_type: SegmentType;
  segment_id: number;
  name: string;
}

/** D1's own accounting of one request, summed from each result's `meta`. */
export interface D1Usage {
  /** Round trips to D1: a batch is one, however many statements it holds. */
  queries: number;
  rows_read: number;
  rows_written: number;
}
