-- yoq schema, version 3: what pulling an image records beyond spec §4.2's images columns.
-- id: 12 hex of sha256(registry/repository:tag), one row per tag; reference: the canonical reference pulled;
-- layers_json: layer digests, base first; config_json: the runtime defaults from the image config.
ALTER TABLE images ADD COLUMN registry TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN layers_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE images ADD COLUMN config_json TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX images_reference ON images (reference);
