-- The order of a stored state (a result's attempt number), so a write can be refused in the same statement when the
-- stored state is newer, without reading it first. Rows stored before this column take their attempt from the JSON.
ALTER TABLE cucos_grain_state ADD COLUMN IF NOT EXISTS write_order integer;

UPDATE cucos_grain_state SET write_order = (payload->>'Attempt')::integer
WHERE state_name = 'task-result' AND write_order IS NULL AND jsonb_typeof(payload->'Attempt') = 'number';
