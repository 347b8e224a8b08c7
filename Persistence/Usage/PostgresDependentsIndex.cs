using Cucos.Usage;
using Npgsql;

namespace Cucos.Persistence.Usage;

/// <summary>
/// Dependents among the analysed packages, straight from the stored dependency_snapshot documents in
/// <c>cucos_grain_state</c> (the GIN index of migration 0009 finds the documents whose dependency list names the package).
/// </summary>
public sealed class PostgresDependentsIndex(NpgsqlDataSource database, string serviceId) : IDependentsIndex
{
    public async Task<AnalysedDependents> FindAsync(string ecosystem, string name, int examples, CancellationToken cancellationToken)
    {
        // The dependent is the document's _release (ecosystem:name:version), read back as name@version. The name may
        // be the declared one or, for an npm alias, the package looked up.
        await using var command = database.CreateCommand($"""
            WITH dependents AS (
                SELECT DISTINCT substring(s.payload->'Document'->>'_release' FROM '^[^:]*:(.*):[^:]*$') || '@'
                       || substring(s.payload->'Document'->>'_release' FROM ':([^:]*)$') AS dependent
                FROM cucos_grain_state s
                CROSS JOIN LATERAL jsonb_array_elements(s.payload->'Document'->'details'->'dependencies') AS d(dependency)
                WHERE s.state_name = '{StateNames.TaskResult}' AND s.service_id = $1
                  AND (s.payload->'Document'->'details'->'dependencies' @> jsonb_build_array(jsonb_build_object('name', $3::text))
                       OR s.payload->'Document'->'details'->'dependencies' @> jsonb_build_array(jsonb_build_object('package', $3::text)))
                  AND s.payload->'Document'->'schema'->>'name' = 'dependency_snapshot'
                  AND coalesce(s.payload->'Document'->'details'->>'ecosystem', split_part(s.payload->'Document'->>'_release', ':', 1)) = $2
                  AND coalesce(d.dependency->>'package', d.dependency->>'name') = $3
                  AND d.dependency->>'resolved_version' IS NOT NULL)
            SELECT (SELECT count(*) FROM dependents), array(SELECT dependent FROM dependents WHERE dependent IS NOT NULL ORDER BY dependent LIMIT $4)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = ecosystem });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = examples });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new AnalysedDependents((int)reader.GetInt64(0), reader.GetFieldValue<string[]>(1));
    }
}
