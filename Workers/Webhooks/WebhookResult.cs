using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.Webhooks;

[TaskResultPart(CucosFlow.WebhookTask, ResultPart.Summary)]
public sealed record WebhookSummary(
    [property: Description("The X-Cucos-Delivery id: ANALYSIS-ID.END, the same for every attempt of one end.")] string DeliveryId,
    [property: Description("Which end of the analysis this was: 1 for its first run, one more for each re-run.")] int End,
    [property: Description("The analysis status the delivery reported.")] string Status,
    [property: Description("The receiver's scheme, host and port (never its path or query).")] string Receiver,
    [property: Description("The HTTP status the receiver accepted the delivery with.")] int StatusCode,
    [property: Description("The delivery attempt that was accepted.")] int Attempt);

[TaskResultPart(CucosFlow.WebhookTask, ResultPart.Details)]
[Description("The delivery of the analysis' end to the webhook URL of its request: the body that was sent and when it was accepted.")]
public sealed record WebhookDetails(
    [property: Description("When the receiver accepted the delivery.")] DateTimeOffset AcceptedAt,
    [property: Description("The X-Cucos-Timestamp of the accepted attempt (Unix seconds).")] string Timestamp,
    [property: Description("The JSON body that was POSTed, as sent.")] string Body);
