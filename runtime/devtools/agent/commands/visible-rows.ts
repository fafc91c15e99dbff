/** Rows read per slice while a selection is filtered by redact() (issue 18). */
export const VISIBLE_SLICE = 200;
