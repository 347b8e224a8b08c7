using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Cucos.Silo.Ui;

/// <summary>
/// The web UI at <c>/ui</c> (and <c>/</c> redirects there): the files of <c>ui/</c>'s build, embedded in the silo's
/// assembly from <c>Silo/Ui/dist</c>, so a silo needs nothing else at run time. Any <c>/ui</c> path that is not a file
/// answers <c>index.html</c> (the UI routes in the browser). The files hold no data, so they answer anyone; every
/// figure on the pages comes from <c>/api/v1</c> with the credential the user signs in with.
/// </summary>
public static class UiEndpoints
{
    public const string Path = "/ui";

    /// <summary>
    /// Only the silo's own scripts and styles, no inline script, no framing: an injected string cannot run, and no other
    /// site can frame the page to trick a click. The UI sets styles only through the DOM (style properties), which
    /// style-src does not restrict.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static WebApplication MapCucosUi(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(UiEndpoints).Assembly, "Ui/dist");
        app.MapGet("/", () => Results.Redirect(Path + "/")).ExcludeFromDescription().AllowAnonymous();
        app.MapMethods(Path + "/{**file}", [HttpMethods.Get, HttpMethods.Head], (string? file, HttpContext http) => Serve(files, file, http))
            .ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static IResult Serve(ManifestEmbeddedFileProvider files, string? file, HttpContext http)
    {
        // "/ui" and "/ui/" reach this one route (routing ignores a trailing slash); the page's relative paths need the slash.
        if (!http.Request.Path.Value!.EndsWith('/') && string.IsNullOrEmpty(file))
            return Results.Redirect(Path + "/");
        SetSecurityHeaders(http.Response.Headers);
        var path = string.IsNullOrEmpty(file) ? "index.html" : file;
        var found = files.GetFileInfo(path);
        if (!found.Exists || found.IsDirectory)
        {
            // A missing script or style is a 404, not the page: HTML in place of a script only hides the mistake.
            if (path.StartsWith("assets/", StringComparison.Ordinal))
                return Results.NotFound();
            path = "index.html";
            found = files.GetFileInfo(path);
            if (!found.Exists)
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The UI is not built into this silo",
                    detail: "the silo was built without the UI's files: run scripts/build-ui.sh, then build the silo again.");
        }
        // Built file names carry a hash of their content, so they never change; index.html names the current ones.
        http.Response.Headers.CacheControl = path == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
        var contentType = ContentTypes.TryGetContentType(path, out var known) ? known : "application/octet-stream";
        return Results.Stream(found.CreateReadStream(), contentType, lastModified: found.LastModified);
    }

    /// <summary>The headers of every UI answer.</summary>
    public static void SetSecurityHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
