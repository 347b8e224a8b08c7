-- OSV advisory records imported by `cucos advisories import` and the advisory refresh grain. One row per record id
-- (the newest `modified` wins); changed_in names the import that last inserted or replaced the row, and
-- previous_record keeps what it replaced, so the refresh can tell which analyses' findings change, even after a crash.
-- Advisories are public data shared by every service of the database: no service_id.
CREATE TABLE IF NOT EXISTS cucos_advisories
(
    id              text        PRIMARY KEY,
    modified        timestamptz NOT NULL,
    withdrawn       timestamptz,
    record          jsonb       NOT NULL,
    previous_record jsonb,
    changed_in      text        NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS cucos_advisories_changed_in ON cucos_advisories (changed_in);

-- Every package a record affects, under OSV's ecosystem name and the name as that ecosystem compares names:
-- the key security_issues looks candidates up by.
CREATE TABLE IF NOT EXISTS cucos_advisory_packages
(
    ecosystem       text NOT NULL,
    normalised_name text NOT NULL,
    id              text NOT NULL REFERENCES cucos_advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (ecosystem, normalised_name, id)
);

CREATE INDEX IF NOT EXISTS cucos_advisory_packages_id ON cucos_advisory_packages (id);

-- One row per import: what was read (each part's sha256), what it counted, and the first messages of what it skipped.
CREATE TABLE IF NOT EXISTS cucos_advisory_imports
(
    import_id   text        PRIMARY KEY,
    source      text        NOT NULL,
    parts       jsonb       NOT NULL,
    records     integer     NOT NULL,
    inserted    integer     NOT NULL,
    updated     integer     NOT NULL,
    unchanged   integer     NOT NULL,
    withdrawn   integer     NOT NULL,
    skipped     integer     NOT NULL,
    messages    jsonb       NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS cucos_advisory_imports_source ON cucos_advisory_imports (source, finished_at DESC);
