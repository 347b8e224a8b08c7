namespace Cucos.Silo.Security;

/// <summary>The two roles of the HTTP API. An operator may do everything a reader may.</summary>
public static class ApiRoles
{
    /// <summary>Reads: every GET of <c>/api/v1</c>, <c>/metrics</c>, the dashboard, the OpenAPI document.</summary>
    public const string Reader = "reader";

    /// <summary>Changes: start, cancel, re-run (every other method under <c>/api/v1</c>), and all a reader may.</summary>
    public const string Operator = "operator";

    public static bool IsKnown(string role) => role is Reader or Operator;
}
