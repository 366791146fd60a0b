-- Resumable uploads (platform/storage/uploads): a file announced by its owner, sent in
-- numbered parts of part_size bytes; the parts' bytes are files under the files directory.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  owner_id INTEGER NOT NULL,
  filename TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL DEFAULT '',
  part_size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX uploads_owner ON uploads (owner_id, created_at);
CREATE INDEX uploads_created ON uploads (created_at);

CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL REFERENCES uploads (id),
  n INTEGER NOT NULL,
  size INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (upload_id, n)
);
