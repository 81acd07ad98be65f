-- +goose Up

-- Officials who do not know their village's 10-digit code find it by name,
-- typos and all. pg_trgm is a trusted extension (PostgreSQL 13+): a role
-- that may create objects in the database may install it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Trigram indexes on the names the search reads: villages (by name, with
-- the words around them) and kecamatan ("kecamatan cileunyi"). Partial, so
-- a search of 83,000 villages never reads the 7,000 kecamatan and back.
CREATE INDEX regions_village_name_trgm ON regions USING gin (lower(name) gin_trgm_ops) WHERE level = 4;
CREATE INDEX regions_district_name_trgm ON regions USING gin (lower(name) gin_trgm_ops) WHERE level = 3;

-- A regional name for the post an official holds ("Kuwu" for a Kepala
-- Desa), kept beside role so that filters by role still see one post.
ALTER TABLE learners ADD COLUMN role_title text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE learners DROP COLUMN role_title;
DROP INDEX regions_district_name_trgm;
DROP INDEX regions_village_name_trgm;
-- pg_trgm stays: other schemas in the database may use it.
