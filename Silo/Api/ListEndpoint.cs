using System.Globalization;
using System.Text;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Grains.Listing;
using Cucos.Grains.Packages;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.State;
using Microsoft.AspNetCore.WebUtilities;

namespace Cucos.Silo.Api;

/// <summary>
/// <c>GET /api/v1/analyses</c>: with <c>version</c>, every analysis of that package version (as before); without it,
/// the cluster-wide list, newest first, filtered by <c>status</c>, <c>ecosystem</c>, <c>name</c>, <c>since</c>, <c>until</c>,
/// <c>limit</c> at a time, paged with the opaque <c>cursor</c> each page gives for the next.
/// </summary>
public static class ListEndpoint
{
    private static readonly string[] Filters = ["status", "ecosystem", "name", "since", "until", "limit", "cursor"];

    public static async Task<IResult> ListAsync(
        HttpRequest http, ICucosClient client, IAnalysisListing listing, AnalysisRequestValidator validator, EcosystemCatalog ecosystems, CancellationToken cancellationToken)
    {
        var query = http.Query;
        if (query.ContainsKey("version"))
        {
            if (query.Keys.FirstOrDefault(key => key is "status" or "since" or "until" or "limit" or "cursor") is { } other)
                return ApiProblems.BadRequest("Invalid query", $"'{other}' does not go with 'version': with a version the answer is every analysis of that one package version. Leave 'version' out to list the cluster's analyses.");
            return await AnalysisEndpoints.ListAsync(query["ecosystem"], query["name"], query["version"], client, validator, ecosystems, cancellationToken);
        }
        var (filters, refused) = ParseFilters(query, Filters, validator, ecosystems);
        if (refused is not null)
            return refused;
        var page = await listing.ListAsync(filters!, cancellationToken);
        return Results.Ok(new AnalysisListBody { Analyses = page.Analyses, NextCursor = page.Next is { } next ? Cursor.Encode(next) : null });
    }

    /// <summary>
    /// <c>GET /api/v1/analyses/counts</c>: how many analyses of the list's package and time filters are in each status,
    /// for the UI's status counts. The filters are the list's, checked the same way.
    /// </summary>
    public static async Task<IResult> CountAsync(
        HttpRequest http, IAnalysisListing listing, AnalysisRequestValidator validator, EcosystemCatalog ecosystems, CancellationToken cancellationToken)
    {
        var (filters, refused) = ParseFilters(http.Query, CountFilters, validator, ecosystems);
        if (refused is not null)
            return refused;
        var counts = await listing.CountAsync(filters!, cancellationToken);
        return Results.Ok(new AnalysisCountsBody
        {
            Counts = counts.Counts.OrderBy(pair => pair.Key).ToDictionary(pair => CucosApiWords.Status(pair.Key), pair => pair.Value, StringComparer.Ordinal),
            Total = counts.Total,
        });
    }

    private static readonly string[] CountFilters = ["ecosystem", "name", "since", "until"];

    /// <summary>The list's filters from the query string; the problem names the first one that is wrong.</summary>
    private static (AnalysisListQuery? Query, IResult? Problem) ParseFilters(
        IQueryCollection query, string[] allowed, AnalysisRequestValidator validator, EcosystemCatalog ecosystems)
    {
        if (query.Keys.FirstOrDefault(key => !allowed.Contains(key, StringComparer.Ordinal)) is { } unknown)
            return (null, ApiProblems.BadRequest("Invalid query", $"'{unknown}' is not a filter of this list: give {string.Join(", ", allowed)}{(allowed == Filters ? " (or ecosystem, name and version for one package version)" : "")}."));

        AnalysisStatus? status = null;
        if (Text(query, "status") is { } statusText)
        {
            if (!StatusWords.TryGetValue(statusText, out var parsed))
                return (null, ApiProblems.BadRequest("Invalid query", $"status '{Shown(statusText)}' is not a status: give one of {string.Join(", ", StatusWords.Keys)}."));
            status = parsed;
        }
        string? ecosystem = null;
        if (Text(query, "ecosystem") is { } ecosystemText)
        {
            if (ecosystems.Find(ecosystemText) is not { } known)
                return (null, ApiProblems.BadRequest("Invalid query", $"ecosystem '{Shown(ecosystemText)}' is not one this cluster knows: give one of {ecosystems.Ids}."));
            ecosystem = known.Id;
        }
        var name = Text(query, "name");
        if (name is not null && ecosystem is null)
            return (null, ApiProblems.BadRequest("Invalid query", "'name' needs 'ecosystem': a name means a package only within its ecosystem."));
        if (name is not null && validator.PackageProblems(ecosystem, name, "0", inQuery: true) is { Count: > 0 } problems)
            return (null, ApiProblems.Invalid(new InvalidAnalysisRequestException(problems), "Invalid query"));
        if (!TryTime(query, "since", out var since, out var sinceProblem))
            return (null, ApiProblems.BadRequest("Invalid query", sinceProblem));
        if (!TryTime(query, "until", out var until, out var untilProblem))
            return (null, ApiProblems.BadRequest("Invalid query", untilProblem));
        if (since is not null && until is not null && since >= until)
            return (null, ApiProblems.BadRequest("Invalid query", $"since ({since:O}) is not before until ({until:O}): the list has analyses created at or after since and before until."));
        var limit = AnalysisListQuery.DefaultLimit;
        if (Text(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AnalysisListQuery.MaxLimit))
            return (null, ApiProblems.BadRequest("Invalid query", $"limit '{Shown(limitText)}' is not valid: give a whole number from 1 to {AnalysisListQuery.MaxLimit} (default {AnalysisListQuery.DefaultLimit})."));
        AnalysisListPosition? after = null;
        if (Text(query, "cursor") is { } cursorText && (after = Cursor.Decode(cursorText)) is null)
            return (null, ApiProblems.BadRequest("Invalid query", "cursor is not one this API gave: pass the next_cursor of the previous page unchanged, or leave it out for the first page."));

        return (new AnalysisListQuery
        {
            Status = status, Ecosystem = ecosystem, Name = name, Since = since, Until = until, Limit = limit, After = after,
        }, null);
    }

    /// <summary>The API's status words (snake_case, as in every answer).</summary>
    public static readonly IReadOnlyDictionary<string, AnalysisStatus> StatusWords = Enum.GetValues<AnalysisStatus>()
        .ToDictionary(CucosApiWords.Status, status => status, StringComparer.Ordinal);

    private static string? Text(IQueryCollection query, string key) =>
        query[key] is { Count: > 0 } values && values.ToString().Trim() is { Length: > 0 } text ? text : null;

    /// <summary>A rejected value is quoted back only when it is short and printable.</summary>
    private static string Shown(string text) =>
        text.Length <= 64 && text.All(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format) ? text : "(the value given)";

    private static bool TryTime(IQueryCollection query, string key, out DateTimeOffset? time, out string problem)
    {
        time = null;
        problem = "";
        if (Text(query, key) is not { } text)
            return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }
        problem = $"{key} '{Shown(text)}' is not a time: give an ISO 8601 time such as 2026-01-31T12:00:00Z (a '+' in an offset is %2B in a URL).";
        return false;
    }

    /// <summary>The opaque cursor: the last entry's creation time (UTC ticks) and id, base64url.</summary>
    public static class Cursor
    {
        public static string Encode(AnalysisListPosition position)
        {
            ArgumentNullException.ThrowIfNull(position);
            return WebEncoders.Base64UrlEncode(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{position.CreatedAt.UtcTicks}:{position.AnalysisId}")));
        }

        public static AnalysisListPosition? Decode(string cursor)
        {
            try
            {
                var text = Encoding.ASCII.GetString(WebEncoders.Base64UrlDecode(cursor));
                var separator = text.IndexOf(':', StringComparison.Ordinal);
                if (separator <= 0 || !long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    || ticks > DateTimeOffset.MaxValue.UtcTicks || !AnalysisEndpoints.IsAnalysisId(text[(separator + 1)..]))
                    return null;
                return new AnalysisListPosition(new DateTimeOffset(ticks, TimeSpan.Zero), text[(separator + 1)..]);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
