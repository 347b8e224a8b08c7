namespace Cucos.Sdk;

/// <summary>The fixed points of every analysis flow.</summary>
public static class CucosFlow
{
    /// <summary>The root task: fetches and unpacks the package; the analysis tasks are its children.</summary>
    public const string RootTask = "init";

    /// <summary>The callback of the root task: runs once every other task is final and writes the summary.</summary>
    public const string FinalizeTask = "finalize";

    /// <summary>
    /// Runs after <see cref="FinalizeTask"/>, in analyses whose request names a webhook URL: POSTs the analysis' end to
    /// it, signed. It is the last task of the analysis, and the only one whose failure leaves the analysis' status as it is.
    /// </summary>
    public const string WebhookTask = "webhook";
}
