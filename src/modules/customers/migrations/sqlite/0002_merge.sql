-- Merging duplicates: the merged customer stays, hidden, pointing at the survivor, so that
-- its old links redirect and the merge can be undone from customer_merges.
ALTER TABLE customers ADD COLUMN merged_into INTEGER;
ALTER TABLE customers ADD COLUMN merged_at INTEGER;
CREATE INDEX customers_merged ON customers (merged_into);

CREATE TABLE customer_merges (
  id INTEGER PRIMARY KEY,
  from_id INTEGER NOT NULL REFERENCES customers (id),
  into_id INTEGER NOT NULL REFERENCES customers (id),
  before_json TEXT NOT NULL,
  moved_json TEXT NOT NULL,
  merged_by INTEGER,
  merged_at INTEGER NOT NULL,
  undone_at INTEGER
);
CREATE INDEX customer_merges_from ON customer_merges (from_id, id);
