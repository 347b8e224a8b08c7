-- Responses of external HTTP APIs (GitHub's) kept for conditional requests: a re-analysis sends If-None-Match and a
-- 304 costs no rate limit. Shared by every silo; a row is only ever a cache, so losing it costs one full request.
CREATE TABLE IF NOT EXISTS cucos_http_cache (
    cache_key  text PRIMARY KEY,
    etag       text NOT NULL,
    body       text NOT NULL,
    link       text,
    stored_at  timestamptz NOT NULL DEFAULT now()
);
