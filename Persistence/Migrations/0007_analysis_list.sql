-- The cluster-wide list of analyses (GET /api/v1/analyses without a version): one row per analysis, kept by triggers
-- on the analysis grain's own state row, in the same transaction as the write, so the list is never behind storage
-- and the silos write nothing more. Newest first, with cursor paging on (created_at, analysis_id).
CREATE TABLE IF NOT EXISTS cucos_analyses
(
    service_id  text        NOT NULL,
    analysis_id text        NOT NULL,
    ecosystem   text        NOT NULL,
    name        text        NOT NULL,
    version     text        NOT NULL,
    status      text        NOT NULL,   -- the AnalysisStatus name, as in the state: Running, Succeeded, ...
    created_at  timestamptz NOT NULL,
    finished_at timestamptz,
    PRIMARY KEY (service_id, analysis_id)
);

CREATE INDEX IF NOT EXISTS cucos_analyses_newest  ON cucos_analyses (service_id, created_at DESC, analysis_id DESC);
CREATE INDEX IF NOT EXISTS cucos_analyses_package ON cucos_analyses (service_id, ecosystem, name, created_at DESC, analysis_id DESC);
CREATE INDEX IF NOT EXISTS cucos_analyses_status  ON cucos_analyses (service_id, status, created_at DESC, analysis_id DESC);

CREATE OR REPLACE FUNCTION cucos_list_analysis() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    analysis jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM cucos_analyses WHERE service_id = OLD.service_id AND analysis_id = OLD.payload->'Analysis'->>'AnalysisId';
        RETURN OLD;
    END IF;
    analysis := NEW.payload->'Analysis';
    -- A state without what the list shows (not started yet, or written by something else) is not listed.
    IF jsonb_typeof(analysis) IS DISTINCT FROM 'object' OR analysis->>'AnalysisId' IS NULL OR analysis->>'CreatedAt' IS NULL
       OR analysis->'Request'->>'Ecosystem' IS NULL OR analysis->'Request'->>'Name' IS NULL OR analysis->'Request'->>'Version' IS NULL THEN
        RETURN NEW;
    END IF;
    BEGIN
        INSERT INTO cucos_analyses AS listed (service_id, analysis_id, ecosystem, name, version, status, created_at, finished_at)
        VALUES (NEW.service_id, analysis->>'AnalysisId', analysis->'Request'->>'Ecosystem', analysis->'Request'->>'Name',
                analysis->'Request'->>'Version', coalesce(analysis->>'Status', 'Running'), (analysis->>'CreatedAt')::timestamptz,
                (analysis->>'FinishedAt')::timestamptz)
        ON CONFLICT (service_id, analysis_id) DO UPDATE
            SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at
            WHERE listed.status IS DISTINCT FROM EXCLUDED.status OR listed.finished_at IS DISTINCT FROM EXCLUDED.finished_at;
    EXCEPTION WHEN data_exception THEN
        -- A malformed time: the state is stored all the same; the list is a view and never fails a write.
        RETURN NEW;
    END;
    RETURN NEW;
END
$fn$;

-- Most writes of an analysis change only its tasks: the update trigger fires only when the status or finish changed.
DROP TRIGGER IF EXISTS cucos_list_analysis_insert ON cucos_grain_state;
CREATE TRIGGER cucos_list_analysis_insert AFTER INSERT ON cucos_grain_state
    FOR EACH ROW WHEN (NEW.state_name = 'analysis') EXECUTE FUNCTION cucos_list_analysis();
DROP TRIGGER IF EXISTS cucos_list_analysis_update ON cucos_grain_state;
CREATE TRIGGER cucos_list_analysis_update AFTER UPDATE ON cucos_grain_state
    FOR EACH ROW WHEN (NEW.state_name = 'analysis' AND (
        OLD.payload IS NULL
        OR OLD.payload->'Analysis'->>'Status' IS DISTINCT FROM NEW.payload->'Analysis'->>'Status'
        OR OLD.payload->'Analysis'->>'FinishedAt' IS DISTINCT FROM NEW.payload->'Analysis'->>'FinishedAt'))
    EXECUTE FUNCTION cucos_list_analysis();
DROP TRIGGER IF EXISTS cucos_list_analysis_delete ON cucos_grain_state;
CREATE TRIGGER cucos_list_analysis_delete AFTER DELETE ON cucos_grain_state
    FOR EACH ROW WHEN (OLD.state_name = 'analysis') EXECUTE FUNCTION cucos_list_analysis();

-- The analyses stored before this migration.
INSERT INTO cucos_analyses (service_id, analysis_id, ecosystem, name, version, status, created_at, finished_at)
SELECT service_id, payload->'Analysis'->>'AnalysisId', payload->'Analysis'->'Request'->>'Ecosystem',
       payload->'Analysis'->'Request'->>'Name', payload->'Analysis'->'Request'->>'Version', coalesce(payload->'Analysis'->>'Status', 'Running'),
       (payload->'Analysis'->>'CreatedAt')::timestamptz, (payload->'Analysis'->>'FinishedAt')::timestamptz
FROM cucos_grain_state
WHERE state_name = 'analysis' AND jsonb_typeof(payload->'Analysis') = 'object' AND payload->'Analysis'->>'AnalysisId' IS NOT NULL
  AND payload->'Analysis'->>'CreatedAt' IS NOT NULL AND payload->'Analysis'->'Request'->>'Ecosystem' IS NOT NULL
  AND payload->'Analysis'->'Request'->>'Name' IS NOT NULL AND payload->'Analysis'->'Request'->>'Version' IS NOT NULL
ON CONFLICT DO NOTHING;
