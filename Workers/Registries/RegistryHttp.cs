using System.Net.Http.Headers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;

namespace Cucos.Workers.Registries;

/// <summary>
/// The HTTP side every registry shares: status codes mapped to not-found, fatal and transient failures, JSON
/// documents, and downloads streamed to disk while their digests are computed. Every request is bounded by
/// <see cref="RegistryLimits"/>: size, headers, idle and overall timeouts, http(s) only, and redirects followed here,
/// hop by hop, so that each is checked.
/// </summary>
public sealed partial class RegistryHttp(HttpClient client, RegistryLimits? limits = null)
{
    public RegistryLimits Limits { get; } = limits ?? new RegistryLimits();

    /// <summary>
    /// The client registries use: no timeout of its own (<see cref="RegistryLimits"/> bound each request), compressed
    /// answers accepted, redirects not followed (<see cref="SendAsync"/> checks and follows them).
    /// </summary>
    public static HttpClient CreateClient()
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        // Some registries refuse requests without a user agent.
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("cucos-orleans", typeof(RegistryHttp).Assembly.GetName().Version?.ToString(3)));
        return client;
    }

    public Task<JsonDocument> GetJsonAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken, string accept = "application/json") =>
        BoundedAsync(url, async token =>
        {
            using var response = await SendAsync(url, auth, notFound, token, accept).ConfigureAwait(false);
            await using var body = await OpenBodyAsync(response, url, Limits.MaxDocumentBytes, nameof(RegistryLimits.MaxDocumentBytes), token).ConfigureAwait(false);
            try
            {
                return await JsonDocument.ParseAsync(body, cancellationToken: token).ConfigureAwait(false);
            }
            catch (JsonException exception)
            {
                throw new RegistryException($"{Show(url)} did not answer with valid JSON ({exception.Message}): is the registry URL in your configuration right?", exception);
            }
        }, cancellationToken);

    public async Task<string> GetStringAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken) =>
        (await GetDocumentAsync(url, auth, notFound, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>A text document and its media type, for protocols that negotiate the format (PEP 691's JSON or HTML).</summary>
    public Task<(string Text, string? MediaType, Uri Url)> GetDocumentAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken, string accept = "application/json") =>
        BoundedAsync(url, async token =>
        {
            using var response = await SendAsync(url, auth, notFound, token, accept).ConfigureAwait(false);
            await using var body = await OpenBodyAsync(response, url, Limits.MaxDocumentBytes, nameof(RegistryLimits.MaxDocumentBytes), token).ConfigureAwait(false);
            using var reader = new StreamReader(body);
            var text = await reader.ReadToEndAsync(token).ConfigureAwait(false);
            return (text, response.Content.Headers.ContentType?.MediaType, response.RequestMessage?.RequestUri ?? url);
        }, cancellationToken);

    /// <summary>Streams <paramref name="url"/> to <c>directory/fileName</c>, hashing as it goes; nothing is left behind when it fails.</summary>
    public async Task<DownloadedFile> DownloadAsync(
        string kind, Uri url, AuthenticationHeaderValue? auth, string directory, string fileName, Func<Exception> notFound, CancellationToken cancellationToken)
    {
        if (fileName.Length == 0 || fileName != Path.GetFileName(fileName) || fileName is "." or "..")
            throw new RegistryException($"the registry named the file of {Show(url)} '{fileName}', which is not a plain file name.");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        try
        {
            var digests = await BoundedAsync(url, async token =>
            {
                using var response = await SendAsync(url, auth, notFound, token, "*/*").ConfigureAwait(false);
                await using var body = await OpenBodyAsync(response, url, Limits.MaxDownloadBytes, nameof(RegistryLimits.MaxDownloadBytes), token).ConfigureAwait(false);
                return await ArtifactDigests.CopyAsync(body, path, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return new DownloadedFile(kind, fileName, path, url.AbsoluteUri, digests, null);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// A URL a registry document gives (a tarball, a file, a service resource), resolved against the document's own URL
    /// as a browser would; null when there is none. Only http(s), and, with <see cref="RegistryLimits.AllowedHosts"/>,
    /// only the document's host or a listed one.
    /// </summary>
    public Uri? Resolve(Uri document, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
            return null;
        // Parsed as relative unless it names a scheme: on Unix a bare "/path" would otherwise be taken for a file: URL.
        var parsed = UriScheme().IsMatch(reference)
            ? Uri.TryCreate(reference, UriKind.Absolute, out var absolute) ? absolute : null
            : Uri.TryCreate(reference, UriKind.Relative, out var relative) && Uri.TryCreate(document, relative, out var resolved) ? resolved : null;
        if (parsed is null)
            throw new RegistryException($"{Show(document)} gives '{reference}' as a URL, which is not one: the registry document is malformed.");
        CheckTarget(parsed, document, "sends the silo to");
        return parsed;
    }

    /// <summary>
    /// The file, marked verified when its digest matches the registry's; otherwise the file is deleted and the package
    /// refused, as it is when the checksum is empty or malformed.
    /// </summary>
    /// <param name="algorithm">md5, sha1, sha256, sha384 or sha512.</param>
    /// <param name="expected">The registry's digest, as hex or (for <c>integrity</c> strings) base64.</param>
    public static DownloadedFile Verify(DownloadedFile file, string algorithm, string? expected, string registry)
    {
        var (actual, bytes) = algorithm switch
        {
            "md5" => (file.Digests.Md5, 16),
            "sha1" => (file.Digests.Sha1, 20),
            "sha256" => (file.Digests.Sha256, 32),
            "sha384" => (Sha384Of(file.Path), 48),
            "sha512" => (file.Digests.Sha512, 64),
            _ => throw Refuse(file, $"{registry} gave a checksum of {file.FileName} in '{algorithm}', which is not one this version checks, so it was refused."),
        };
        if (string.IsNullOrWhiteSpace(expected))
            throw Refuse(file, $"{registry} gave an empty {algorithm} checksum for {file.FileName}, so it was refused: the registry's document is broken.");
        var expectedHex = expected.Length == bytes * 2 && expected.All(Uri.IsHexDigit) ? expected.ToLowerInvariant() : FromBase64(expected, bytes)
            ?? throw Refuse(file, $"{registry} gave '{expected}' as the {algorithm} checksum of {file.FileName}, which is neither hex nor base64 of {bytes} bytes, so it was refused.");
        if (expectedHex != actual)
        {
            throw Refuse(file,
                $"the {algorithm} of {file.FileName} from {registry} is {actual}, but the registry says {expectedHex}: the download is not the published package, so it was refused.");
        }
        return file with { Verified = $"{algorithm}:{expectedHex}" };
    }

    private static RegistryException Refuse(DownloadedFile file, string message)
    {
        File.Delete(file.Path);
        return new RegistryException(message);
    }

    private static string Sha384Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA384.HashData(stream));
    }

    /// <summary>
    /// Runs one request under <see cref="RegistryLimits.RequestTimeout"/>, turning a timeout or a broken transfer into
    /// a transient failure (the task's retry policy runs it again) with a sentence naming the setting.
    /// </summary>
    private async Task<T> BoundedAsync<T>(Uri url, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Limits.RequestTimeout);
        try
        {
            return await request(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryUnavailableException(
                $"{Show(url)} did not finish within {Limits.RequestTimeout} ({RegistrySettings.Section}:{nameof(RegistryLimits.RequestTimeout)}); it will be tried again.");
        }
        catch (HttpIOException exception)
        {
            throw new RegistryUnavailableException($"the transfer of {Show(url)} broke off ({exception.Message}).");
        }
        catch (IOException exception) when (exception.InnerException is SocketException or HttpIOException)
        {
            throw new RegistryUnavailableException($"the transfer of {Show(url)} broke off ({exception.Message}).");
        }
    }

    /// <summary>The body, refused at once when its Content-Length is over <paramref name="maxBytes"/>, and counted (decompressed) as it is read.</summary>
    private async Task<Stream> OpenBodyAsync(HttpResponseMessage response, Uri url, long maxBytes, string setting, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
            throw TooLarge(url, maxBytes, setting);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new BoundedReadStream(body, maxBytes, Limits.IdleTimeout,
            () => TooLarge(url, maxBytes, setting),
            () => new RegistryUnavailableException(
                $"{Show(url)} sent nothing for {Limits.IdleTimeout} ({RegistrySettings.Section}:{nameof(RegistryLimits.IdleTimeout)}); it will be tried again."));
    }

    private static RegistryException TooLarge(Uri url, long maxBytes, string setting) =>
        new($"{Show(url)} is larger than {maxBytes} bytes, the limit {RegistrySettings.Section}:{setting} sets, so it was refused: raise that setting if it is genuine.");

    /// <summary>Sends the request and follows redirects itself, each hop http(s), allowed by the host list, and under the headers timeout.</summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, AuthenticationHeaderValue? auth, Func<Exception> notFound, CancellationToken cancellationToken, string accept = "application/json")
    {
        CheckScheme(url, url);
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            // Credentials go only to the host they were configured for, never along a redirect to another one.
            var response = await SendOnceAsync(current, current.Authority == url.Authority ? auth : null, accept, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                return response;
            using (response)
            {
                var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
                    or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)
                {
                    if (redirects >= Limits.MaxRedirects)
                        throw new RegistryException(
                            $"{Show(url)} redirected more than {Limits.MaxRedirects} times ({RegistrySettings.Section}:{nameof(RegistryLimits.MaxRedirects)}), so it was given up.");
                    var location = response.Headers.NonValidated.TryGetValues("Location", out var values) ? values.FirstOrDefault() : null;
                    current = Resolve(current, location)
                        ?? throw new RegistryException($"{Show(current)} answered {status} without a Location to go to.");
                    continue;
                }
                throw response.StatusCode switch
                {
                    HttpStatusCode.NotFound or HttpStatusCode.Gone => notFound(),
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RegistryException(auth is null
                        ? $"{Show(current)} answered {status}: the registry wants credentials, and your configuration has none for it."
                        : $"{Show(current)} answered {status}: the registry refused the credentials your configuration has for it."),
                    HttpStatusCode.TooManyRequests => new RetryTaskException(RetryAfter(response.Headers.RetryAfter), $"{Show(current)} answered {status}: rate limited."),
                    >= HttpStatusCode.InternalServerError => new RegistryUnavailableException($"{Show(current)} answered {status}."),
                    _ => new RegistryException($"{Show(current)} answered {status}."),
                };
            }
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Uri url, AuthenticationHeaderValue? auth, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = auth;
        request.Headers.Accept.ParseAdd(accept);
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(Limits.HeadersTimeout);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (headers.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryUnavailableException(
                $"{Show(url)} did not answer within {Limits.HeadersTimeout} ({RegistrySettings.Section}:{nameof(RegistryLimits.HeadersTimeout)}); it will be tried again.");
        }
        catch (HttpRequestException exception)
        {
            throw new RegistryUnavailableException($"could not reach {Show(url)}: {exception.Message}");
        }
    }

    /// <summary>The wait a 429 asks for, as a delay or a date; a minute when it names none. The flow caps it (<see cref="RetryPolicy.MaxRequestedDelay"/>).</summary>
    private static TimeSpan RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromMinutes(1));

    /// <summary>Refuses a URL that is not http(s), or whose host neither is <paramref name="from"/>'s nor allowed.</summary>
    private void CheckTarget(Uri target, Uri from, string verb)
    {
        CheckScheme(target, from);
        if (!string.Equals(target.Host, from.Host, StringComparison.OrdinalIgnoreCase) && !Limits.Allows(target.Host))
            throw new RegistryException(
                $"{Show(from)} {verb} {target.Host}, which is not in {RegistrySettings.Section}:{nameof(RegistryLimits.AllowedHosts)}: add it there if that host is trusted.");
    }

    private static void CheckScheme(Uri target, Uri from)
    {
        if (target.Scheme is not ("http" or "https"))
            throw new RegistryException($"{Show(from)} leads to a {target.Scheme}: URL, and only http(s) is fetched from registries, so it was refused.");
    }

    /// <summary>A URL for messages: scheme, host, port and path, never user info or a query that may hold a token.</summary>
    public static string Show(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.OriginalString;

    private static string? FromBase64(string value, int bytes)
    {
        var buffer = new byte[bytes + 3];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == bytes ? Convert.ToHexStringLower(buffer.AsSpan(0, written)) : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();
}
