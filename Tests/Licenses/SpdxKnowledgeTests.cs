using System.Text;
using Cucos.Tests.Support;
using Cucos.Workers.Licenses;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Licenses;

/// <summary>
/// metadata and source_licenses share one SPDX knowledge base (<see cref="LicenseCatalog"/>). Before, metadata
/// mapped declared licences against its own list of some 75 ids, so an id on the SPDX list but not on that one
/// ("BSD-2-Clause-Patent") had no expression in metadata while source_licenses read it as a listed licence.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SpdxKnowledgeTests : IDisposable
{
    private readonly TempDirectory package = new("cucos-spdx");

    public void Dispose() => package.Dispose();

    [Fact]
    public void Every_listed_id_metadata_maps_is_one_source_licenses_knows()
    {
        var catalog = LicenseCatalog.Instance;
        var disagreements = catalog.ById.Values
            .Where(license => SpdxLicenses.Map(license.Id.ToLowerInvariant()) != license.Id
                || SpdxExpression.TryParse(license.Id, catalog) is not SpdxExpression.License { Known: true })
            .Select(license => license.Id)
            .ToArray();
        Assert.True(disagreements.Length == 0, "metadata and source_licenses disagree on: " + string.Join(", ", disagreements.Take(20)));
        Assert.True(catalog.ById.Count > 500, $"the SPDX list has only {catalog.ById.Count} ids: is the vendored list complete?");
    }

    [Theory]
    [InlineData("BSD-2-Clause-Patent", "BSD-2-Clause-Patent")]
    [InlineData("mulanpsl-2.0", "MulanPSL-2.0")]
    [InlineData("GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0")]
    [InlineData("GPL-2.0+", "GPL-2.0+")]
    [InlineData("Made-Up-1.0", null)]
    public void Metadata_maps_a_declared_id_by_the_spdx_list(string raw, string? expression) =>
        Assert.Equal(expression, SpdxLicenses.Map(raw));

    [Fact]
    public async Task Both_workers_name_the_same_declared_licence()
    {
        package.WriteFile("package.json", """{"name": "patented", "version": "1.0.0", "license": "bsd-2-clause-patent"}"""u8.ToArray());
        package.WriteFile("index.js", Encoding.UTF8.GetBytes("// SPDX-License-Identifier: BSD-2-Clause-Patent\nmodule.exports = 1;\n"));

        var metadata = await WorkerRun.RunAsync(new MetadataTask(), package.Path);
        var licenses = await WorkerRun.DocumentAsync(new SourceLicensesTask(), package.Path, new Dictionary<string, System.Text.Json.JsonElement> { ["metadata"] = metadata });

        Assert.Equal("BSD-2-Clause-Patent", metadata.GetProperty("summary").GetProperty("declared_license").GetString());
        Assert.Equal("BSD-2-Clause-Patent", licenses.GetProperty("summary").GetProperty("declared").GetString());
        Assert.Equal("match", licenses.GetProperty("summary").GetProperty("declared_match").GetString());
    }
}
