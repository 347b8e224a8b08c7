using Cucos.Workers.Licenses;

namespace Cucos.Workers.Metadata;

/// <summary>
/// The manifest parsers' way into the one SPDX knowledge base, <see cref="LicenseCatalog"/>: declared licences
/// are mapped by the same list of ids source_licenses matches against, so the two workers cannot disagree on
/// which ids exist.
/// </summary>
public static class SpdxLicenses
{
    /// <summary>One declared licence as an SPDX expression, or null when it cannot be mapped with confidence.</summary>
    public static string? Map(string? raw) => LicenseCatalog.Instance.MapDeclared(raw);

    /// <summary>Several licences of which the user may pick any (npm's licenses array, composer, Maven, gems): joined with OR.</summary>
    public static string? Any(IEnumerable<string?> raws) => LicenseCatalog.Instance.MapAnyDeclared(raws);

    public static DeclaredLicense Declared(string? raw) => raw is null ? DeclaredLicense.None : new(raw, Map(raw));

    public static DeclaredLicense DeclaredAny(IReadOnlyList<string> raws)
    {
        ArgumentNullException.ThrowIfNull(raws);
        return raws.Count switch
        {
            0 => DeclaredLicense.None,
            1 => Declared(raws[0]),
            _ => new DeclaredLicense(string.Join(", ", raws), Any(raws)),
        };
    }
}
