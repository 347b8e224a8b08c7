using Cucos.Sdk;

namespace Cucos.Sdk.Ecosystems;

/// <summary>A registry answer no retry can fix: refused credentials, a checksum mismatch, a malformed document, no configuration.</summary>
public sealed class RegistryException(string message, Exception? inner = null) : FatalTaskException(message, inner);

/// <summary>The registry failed in a way that may pass (a 5xx answer): retried by the task's retry policy.</summary>
public sealed class RegistryUnavailableException(string message) : Exception(message);
