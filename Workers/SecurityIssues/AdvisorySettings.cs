using Cucos.Sdk;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// Where advisories come from: <c>Cucos:Advisories:Directory</c> and <c>Cucos:Advisories:ApiUrl</c>, either, both or
/// none; with <c>Cucos:Advisories:Store=postgres</c> the records are read from the imported tables instead of the
/// directory (which the refresh grain then imports).
/// </summary>
public sealed record AdvisorySettings(string? Directory, Uri? ApiUrl, string? Store = null)
{
    public const string DirectoryKey = "Cucos:Advisories:Directory";
    public const string ApiUrlKey = "Cucos:Advisories:ApiUrl";
    public const string StoreKey = "Cucos:Advisories:Store";
    public const string PostgresStore = "postgres";

    public bool Any => Directory is not null || ApiUrl is not null || Store is not null;

    /// <summary>security_issues reads the imported tables (and not the directory's zips).</summary>
    public bool UsesStore => Store == PostgresStore;

    /// <summary>The settings; a bad value is a <see cref="FatalTaskException"/> naming the setting and what to give.</summary>
    public static AdvisorySettings From(IConfiguration? configuration)
    {
        var directory = configuration?[DirectoryKey] is { Length: > 0 } d ? d : null;
        var api = configuration?[ApiUrlKey] is { Length: > 0 } a ? a : null;
        Uri? url = null;
        if (api is not null && (!Uri.TryCreate(api.EndsWith('/') ? api : api + "/", UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            throw new FatalTaskException($"{ApiUrlKey} is '{api}', which is not an http(s) URL: set it to the base URL of an OSV API (the part before /v1/).");
        if (directory is not null && !System.IO.Directory.Exists(directory))
            throw new FatalTaskException($"{DirectoryKey} is '{directory}', which is not a directory: set it to the folder holding <Ecosystem>/all.zip files or OSV .json records.");
        var store = configuration?[StoreKey] is { Length: > 0 } st ? st.Trim().ToLowerInvariant() : null;
        if (store is not null && store != PostgresStore)
            throw new FatalTaskException($"{StoreKey} is '{configuration![StoreKey]}': the only store is '{PostgresStore}' (the imported tables of the silo's PostgreSQL database); leave it unset to read {DirectoryKey} directly.");
        return new AdvisorySettings(directory, url, store);
    }
}
