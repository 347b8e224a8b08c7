namespace Cucos.Tests.Postgres;

/// <summary>The SQL that docs/operations.md gives operators, kept here verbatim so the tests prove it runs.</summary>
public static class OperatorQueries
{
    public const string FailedTasksLastHour = """
        SELECT s.payload->'Analysis'->>'AnalysisId'    AS analysis,
               s.payload->'Analysis'->'Request'->>'Name' AS package,
               t.key                                    AS task,
               t.value->'Error'->>'Type'                AS error_type,
               t.value->'Error'->>'Message'             AS error
        FROM cucos_grain_state s, jsonb_each(s.payload->'Analysis'->'Tasks') AS t
        WHERE s.state_name = 'analysis'
          AND t.value->>'Status' = 'Failed'
          AND (t.value->>'EndedAt')::timestamptz > now() - interval '1 hour'
        """;

    public const string ReleasesWithValue = """
        SELECT DISTINCT payload->'Document'->>'_release' AS release
        FROM cucos_grain_state
        WHERE state_name = 'task-result'
          AND jsonb_path_exists(payload->'Document', '$.** ? (@ == $value)', jsonb_build_object('value', @value::text))
        """;
}
