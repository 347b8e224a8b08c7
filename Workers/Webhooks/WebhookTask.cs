using System.Globalization;
using System.Text.Json;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Sdk;
using Microsoft.Extensions.Logging;

namespace Cucos.Workers.Webhooks;

/// <summary>A receiver that did not accept a delivery (no 2xx, no Retry-After): retried on the policy's back-off.</summary>
public sealed class WebhookNotAcceptedException(string message) : Exception(message);

/// <summary>
/// The last task of an analysis whose request names a webhook URL: once finalize has written the summary, POSTs the
/// analysis' end (<see cref="WebhookPayload"/>), signed (<see cref="WebhookSignature"/>), until the receiver answers
/// 2xx. Every other answer, or no answer, is retried on the analysis' reminder, after the receiver's
/// <c>Retry-After</c> or the back-off of <c>Cucos:Webhooks</c>, up to <c>MaxAttempts</c>; a host the allow-list refuses
/// at delivery time (its name now resolves elsewhere) fails it at once. Its failure leaves the analysis' status as it was.
/// </summary>
public sealed partial class WebhookTask(WebhookSettings settings, WebhookSender sender, ICucosClient? cucos = null) : BaseTask
{
    public override string Name => CucosFlow.WebhookTask;
    public override string Description => "Tells the request's webhook URL that the analysis ended: a signed JSON summary, retried until accepted.";
    public override bool InDefaultFlow => false;
    public override RetryPolicy RetryPolicy => settings.RetryPolicy;
    public override TimeSpan Timeout => settings.RequestTimeout;

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (cucos is null)
            throw new FatalTaskException("the webhook task runs in a cluster's silo, which reads the analysis it reports; it cannot run alone.");
        var analysis = await cucos.GetAnalysisAsync(context.AnalysisId, cancellationToken).ConfigureAwait(false)
            ?? throw new FatalTaskException($"analysis {context.AnalysisId} is not known, so there is nothing to report.");
        if (analysis.Request.WebhookUrl is not { } text)
            throw new FatalTaskException($"analysis {context.AnalysisId} names no webhook URL, so there is nothing to deliver.");
        if (settings.Secret is not { } secret)
            throw new FatalTaskException($"this silo has no webhook secret ({WebhookSettings.SecretKey}), so it cannot sign the delivery: set the same secret on every silo.");
        var url = new Uri(text, UriKind.Absolute);
        var payload = WebhookPayload.Of(analysis, settings.ApiBaseUrl);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, CucosApiJson.Options);
        var timestamp = context.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var receiver = WebhookTargets.Shown(url);

        WebhookAnswer answer;
        try
        {
            answer = await sender.SendAsync(url, body, payload.DeliveryId, timestamp, WebhookSignature.Compute(secret, timestamp, body), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (WebhookRefusedException refused)
        {
            Log.Refused(context.Logger, payload.DeliveryId, receiver);
            throw new FatalTaskException($"delivery {payload.DeliveryId} to {receiver} was not sent: {refused.Message}");
        }
        catch (HttpRequestException exception)
        {
            Log.Unreachable(context.Logger, payload.DeliveryId, receiver, context.Attempt);
            throw new WebhookNotAcceptedException($"delivery {payload.DeliveryId} could not reach {receiver} ({exception.HttpRequestError}: {exception.Message}); it is tried again.");
        }
        if (!answer.Accepted)
        {
            Log.NotAccepted(context.Logger, payload.DeliveryId, receiver, answer.StatusCode, context.Attempt);
            var why = $"delivery {payload.DeliveryId} to {receiver} was answered {answer.StatusCode}, not 2xx; it is tried again";
            if (answer.RetryAfter is { } wait)
                throw new RetryTaskException(wait, $"{why} after the receiver's Retry-After ({wait.TotalSeconds:0} s).");
            throw new WebhookNotAcceptedException(why + ".");
        }
        Log.Accepted(context.Logger, payload.DeliveryId, receiver, answer.StatusCode, context.Attempt);
        return TaskResult.Success(
            new WebhookSummary(payload.DeliveryId, payload.End, JsonNamingPolicy.SnakeCaseLower.ConvertName(payload.Status.ToString()), receiver, answer.StatusCode, context.Attempt),
            new WebhookDetails(context.Clock.GetUtcNow(), timestamp, System.Text.Encoding.UTF8.GetString(body)));
    }

    // The receiver as scheme, host and port only: its path or query may carry a token, and the secret is never logged.
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} accepted by {Receiver} with {StatusCode} (attempt {Attempt})")]
        public static partial void Accepted(ILogger logger, string deliveryId, string receiver, int statusCode, int attempt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} answered {StatusCode} by {Receiver} (attempt {Attempt}); retrying")]
        public static partial void NotAccepted(ILogger logger, string deliveryId, string receiver, int statusCode, int attempt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} could not reach {Receiver} (attempt {Attempt}); retrying")]
        public static partial void Unreachable(ILogger logger, string deliveryId, string receiver, int attempt);

        [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId} to {Receiver} refused by the allow-list at delivery time")]
        public static partial void Refused(ILogger logger, string deliveryId, string receiver);
    }
}
