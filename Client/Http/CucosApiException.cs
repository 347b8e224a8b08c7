using System.Net;

namespace Cucos.Client.Http;

/// <summary>The HTTP API answered with an error other than "bad request" or "not found"; the message is the API's own <c>detail</c>.</summary>
public sealed class CucosApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The cluster may answer again soon: a silo is being replaced, or a proxy in between is restarting.</summary>
    public bool IsTransient => Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
        or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
