using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Reports.Sbom;
using Cucos.Tests.HttpApi;

namespace Cucos.Tests.Sbom;

/// <summary>GET /api/v1/analyses/{id}/sbom on a real silo process, and CucosHttpClient.GetSbomAsync, for the loopback npm package @acme/widget.</summary>
[Trait("Category", "Processes")]
public sealed class SbomHttpTests(HttpSiloFixture fixture) : IClassFixture<HttpSiloFixture>, IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = fixture.Silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private async Task<string> AnalyseAsync()
    {
        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var cucos = new CucosHttpClient(client);
        var ticket = await cucos.StartAnalysisAsync(AnalysisRequest.ForPackage("npm", LoopbackPackages.NpmName, "1.0.0", tasks: ["digests", "metadata"]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await cucos.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.True(analysis.Status == Cucos.State.AnalysisStatus.Succeeded, $"{analysis.Status}\n{fixture.Silo.Output}");
        return ticket.AnalysisId;
    }

    [Fact]
    public async Task Both_formats_are_served_with_their_media_types_and_are_schema_valid()
    {
        var id = await AnalyseAsync();

        using var cyclonedx = await http.GetAsync($"api/v1/analyses/{id}/sbom?format=cyclonedx");
        Assert.Equal(HttpStatusCode.OK, cyclonedx.StatusCode);
        Assert.Equal("application/vnd.cyclonedx+json; version=1.6", cyclonedx.Content.Headers.ContentType!.ToString());
        var bom = JsonDocument.Parse(await cyclonedx.Content.ReadAsByteArrayAsync()).RootElement;
        SbomSchemas.AssertValidCycloneDx(bom);
        var root = bom.GetProperty("metadata").GetProperty("component");
        Assert.Equal("pkg:npm/%40acme/widget@1.0.0", root.GetProperty("purl").GetString());
        Assert.Equal("@acme", root.GetProperty("group").GetString());
        var sha512 = Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(fixture.Packages.NpmTarball));
        Assert.Contains(SbomSchemas.Items(root, "hashes"), h => h.GetProperty("alg").GetString() == "SHA-512" && h.GetProperty("content").GetString() == sha512);
        // Every file of the package, with the hashes digests computed.
        var files = SbomSchemas.Items(bom, "components").Where(c => c.GetProperty("type").GetString() == "file").Select(c => c.GetProperty("name").GetString()).Order().ToArray();
        // Named as digests names them: the npm tarball's own folder, "package/", included.
        Assert.Equal(fixture.Packages.Files.Keys.Select(k => "package/" + k).Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));

        using var spdx = await http.GetAsync($"api/v1/analyses/{id}/sbom?format=spdx");
        Assert.Equal(HttpStatusCode.OK, spdx.StatusCode);
        Assert.Equal("application/spdx+json", spdx.Content.Headers.ContentType!.MediaType);
        var document = JsonDocument.Parse(await spdx.Content.ReadAsByteArrayAsync()).RootElement;
        SbomSchemas.AssertValidSpdx(document);
        Assert.Equal(fixture.Packages.Files.Count, document.GetProperty("files").GetArrayLength());

        using var withoutFiles = await http.GetAsync($"api/v1/analyses/{id}/sbom?format=spdx&files=false");
        Assert.False(JsonDocument.Parse(await withoutFiles.Content.ReadAsByteArrayAsync()).RootElement.TryGetProperty("files", out _));

        // The client asks the same route and gets the same document.
        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var fromClient = await new CucosHttpClient(client).GetSbomAsync(id, SbomFormat.Spdx);
        using var again = await http.GetAsync($"api/v1/analyses/{id}/sbom?format=spdx");
        Assert.Equal(await again.Content.ReadAsByteArrayAsync(), fromClient);
    }

    [Fact]
    public async Task Bad_formats_and_unknown_ids_get_problems_that_say_what_to_do()
    {
        using var badFormat = await http.GetAsync("api/v1/analyses/0123456789abcdef0123456789abcdef/sbom?format=swid");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        var problem = await badFormat.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("'swid' is not an SBOM format: give one of cyclonedx, spdx.", problem.GetProperty("detail").GetString());

        using var unknown = await http.GetAsync("api/v1/analyses/0123456789abcdef0123456789abcdef/sbom");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no analysis has the id '0123456789abcdef0123456789abcdef'", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        Assert.Null(await new CucosHttpClient(client).GetSbomAsync("0123456789abcdef0123456789abcdef", SbomFormat.CycloneDx));
    }

    [Fact]
    public async Task The_route_is_in_the_OpenAPI_document()
    {
        var openApi = await http.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var route = openApi.GetProperty("paths").GetProperty("/api/v1/analyses/{analysisId}/sbom").GetProperty("get");
        Assert.Equal("GetSbom", route.GetProperty("operationId").GetString());
        var content = route.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(content.TryGetProperty("application/spdx+json", out _), content.ToString());
    }

    public void Dispose() => http.Dispose();
}
