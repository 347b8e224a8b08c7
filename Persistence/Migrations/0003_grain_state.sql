-- Grain state for Orleans ADO.NET persistence. The storage serializer's JSON lands in a jsonb column, so an operator
-- can query results with plain SQL. JSON that jsonb refuses (a \u0000 escape) is kept as bytes in payload_raw
-- instead, so a write never fails for its content.
CREATE TABLE IF NOT EXISTS cucos_grain_state
(
    service_id      text        NOT NULL,
    state_name      text        NOT NULL,   -- Orleans passes the state name as "GrainTypeString"
    state_name_hash integer     NOT NULL,
    grain_id_hash   integer     NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_key       text,                   -- string keys and key extensions
    payload         jsonb,
    payload_raw     bytea,
    version         integer     NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX IF NOT EXISTS cucos_grain_state_identity
    ON cucos_grain_state (service_id, state_name, grain_id_n0, grain_id_n1, (coalesce(grain_key, '')), (grain_key IS NULL));
CREATE INDEX IF NOT EXISTS cucos_grain_state_hashes ON cucos_grain_state (grain_id_hash, state_name_hash);
CREATE INDEX IF NOT EXISTS cucos_grain_state_modified ON cucos_grain_state (state_name, modified_at);

-- UTF-8 JSON bytes as jsonb, or NULL when jsonb cannot hold them.
CREATE OR REPLACE FUNCTION cucos_try_jsonb(bytes bytea) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
    RETURN convert_from(bytes, 'UTF8')::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $sql$
SELECT coalesce(convert_to(payload::text, 'UTF8'), payload_raw) AS "PayloadBinary", version AS "Version"
FROM cucos_grain_state
WHERE grain_id_hash = @GrainIdHash AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_key IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),
('WriteToStorageKey', $sql$
WITH incoming AS (SELECT cucos_try_jsonb(@PayloadBinary) AS document),
updated AS (
    UPDATE cucos_grain_state s
    SET payload = i.document,
        payload_raw = CASE WHEN i.document IS NULL THEN @PayloadBinary END,
        version = s.version + 1,
        modified_at = now()
    FROM incoming i
    WHERE @GrainStateVersion IS NOT NULL AND s.version = @GrainStateVersion
      AND s.grain_id_hash = @GrainIdHash AND s.state_name_hash = @GrainTypeHash
      AND s.service_id = @ServiceId AND s.state_name = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0 AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_key IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING s.version),
inserted AS (
    INSERT INTO cucos_grain_state (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key, payload, payload_raw, version)
    SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           i.document, CASE WHEN i.document IS NULL THEN @PayloadBinary END, 1
    FROM incoming i
    WHERE @GrainStateVersion IS NULL
      AND NOT EXISTS (SELECT 1 FROM cucos_grain_state
                      WHERE grain_id_hash = @GrainIdHash AND state_name_hash = @GrainTypeHash
                        AND service_id = @ServiceId AND state_name = @GrainTypeString
                        AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
                        AND grain_key IS NOT DISTINCT FROM @GrainIdExtensionString)
    RETURNING version)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$sql$),
('ClearStorageKey', $sql$
UPDATE cucos_grain_state
SET payload = NULL, payload_raw = NULL, version = version + 1, modified_at = now()
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_key IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING version AS "NewGrainStateVersion"
$sql$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
