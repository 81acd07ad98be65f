-- +goose Up

-- Where the region codes came from: the copy embedded in the binary, seeded
-- when the table was empty, or a file an operator imported. `pamong regions
-- status` reads the latest row.
CREATE TABLE region_imports (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL,
    embedded    boolean NOT NULL,
    rows        integer NOT NULL,
    inserted    integer NOT NULL,
    updated     integer NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE region_imports;
