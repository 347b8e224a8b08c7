-- Usage figures (the usage refresh's BigQuery counts) per ecosystem and package. A refresh stages its rows under its
-- own refresh_id; publishing ranks them, records the refresh in cucos_usage_refresh and deletes every other refresh's
-- rows, so readers see one whole refresh at a time. package_key is the name in lower case, the key lookups use.
CREATE TABLE IF NOT EXISTS cucos_usage
(
    service_id   text             NOT NULL,
    ecosystem    text             NOT NULL,
    refresh_id   text             NOT NULL,
    package_key  text             NOT NULL,
    package      text             NOT NULL,
    repositories bigint           NOT NULL,
    percentile   double precision,
    PRIMARY KEY (service_id, ecosystem, refresh_id, package_key)
);

CREATE TABLE IF NOT EXISTS cucos_usage_refresh
(
    service_id   text        NOT NULL,
    ecosystem    text        NOT NULL,
    refresh_id   text        NOT NULL,
    refreshed_at timestamptz NOT NULL,
    packages     bigint      NOT NULL,
    PRIMARY KEY (service_id, ecosystem)
);

-- Dependents among the analysed packages: the dependency_snapshot documents' dependency lists, searched by containment.
CREATE INDEX IF NOT EXISTS cucos_grain_state_dependencies
    ON cucos_grain_state USING gin ((payload->'Document'->'details'->'dependencies') jsonb_path_ops)
    WHERE state_name = 'task-result';
