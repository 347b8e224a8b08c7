using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;

namespace Cucos.Workers.Registries;

/// <summary>
/// The HTTP side every registry shares: status codes mapped to not-found, fatal and transient failures,
/// JSON documents, and downloads streamed to disk while their digests are computed.
/// </summary>
public sealed class RegistryHttp(HttpClient client)
{
    /// <summary>The client registries use: no overall timeout (the task's own timeout cancels), compressed answers accepted.</summary>
    public static HttpClient CreateClient()
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        // Some registries refuse requests without a user agent.
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("cucos-orleans", typeof(RegistryHttp).Assembly.GetName().Version?.ToString(3)));
        return client;
    }

    public async Task<JsonDocument> GetJsonAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken, string accept = "application/json")
    {
        using var response = await SendAsync(url, auth, notFound, cancellationToken, accept).ConfigureAwait(false);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw new RegistryException($"{Show(url)} did not answer with valid JSON ({exception.Message}): is the registry URL in your configuration right?", exception);
        }
    }

    public async Task<string> GetStringAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(url, auth, notFound, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams <paramref name="url"/> to <c>directory/fileName</c>, hashing as it goes.</summary>
    public async Task<DownloadedFile> DownloadAsync(
        string kind, Uri url, AuthenticationHeaderValue? auth, string directory, string fileName, Func<Exception> notFound, CancellationToken cancellationToken)
    {
        if (fileName.Length == 0 || fileName != Path.GetFileName(fileName) || fileName is "." or "..")
            throw new RegistryException($"the registry named the file of {Show(url)} '{fileName}', which is not a plain file name.");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        using var response = await SendAsync(url, auth, notFound, cancellationToken, "*/*").ConfigureAwait(false);
        ArtifactDigests digests;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            digests = await ArtifactDigests.CopyAsync(body, path, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpIOException exception)
        {
            throw new RegistryUnavailableException($"the download of {Show(url)} broke off ({exception.Message}).");
        }
        return new DownloadedFile(kind, fileName, path, url.AbsoluteUri, digests, null);
    }

    /// <summary>
    /// The file, marked verified when its digest matches the registry's; otherwise the file is deleted and the package refused.
    /// </summary>
    /// <param name="algorithm">md5, sha1, sha256 or sha512.</param>
    /// <param name="expected">The registry's digest, as hex or (for <c>integrity</c> strings) base64.</param>
    public static DownloadedFile Verify(DownloadedFile file, string algorithm, string expected, string registry)
    {
        var actual = algorithm switch
        {
            "md5" => file.Digests.Md5,
            "sha1" => file.Digests.Sha1,
            "sha256" => file.Digests.Sha256,
            "sha512" => file.Digests.Sha512,
            _ => throw new RegistryException($"{registry} gave a checksum in '{algorithm}', which is not one this version checks."),
        };
        var expectedHex = IsHex(expected) ? expected.ToLowerInvariant() : FromBase64(expected);
        if (expectedHex != actual)
        {
            File.Delete(file.Path);
            throw new RegistryException(
                $"the {algorithm} of {file.FileName} from {registry} is {actual}, but the registry says {expectedHex}: the download is not the published package, so it was refused.");
        }
        return file with { Verified = $"{algorithm}:{expectedHex}" };
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = auth;
        request.Headers.Accept.ParseAdd(accept);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RegistryUnavailableException($"could not reach {Show(url)}: {exception.Message}");
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
        {
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound or HttpStatusCode.Gone => notFound(),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RegistryException(auth is null
                    ? $"{Show(url)} answered {status}: the registry wants credentials, and your configuration has none for it."
                    : $"{Show(url)} answered {status}: the registry refused the credentials your configuration has for it."),
                HttpStatusCode.TooManyRequests => new RetryTaskException(
                    response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMinutes(1), $"{Show(url)} answered {status}: rate limited."),
                >= HttpStatusCode.InternalServerError => new RegistryUnavailableException($"{Show(url)} answered {status}."),
                _ => new RegistryException($"{Show(url)} answered {status}."),
            };
        }
    }

    /// <summary>A URL for messages: scheme, host, port and path, never user info or a query that may hold a token.</summary>
    public static string Show(Uri url) => url.GetLeftPart(UriPartial.Path);

    private static bool IsHex(string value) => value.Length % 2 == 0 && value.All(Uri.IsHexDigit);

    private static string FromBase64(string value)
    {
        try
        {
            return Convert.ToHexStringLower(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return value;
        }
    }
}
