namespace Cucos.Tests.Support;

/// <summary>Waiting on a silo's web host.</summary>
public static class HttpWait
{
    /// <summary>Waits until <c>/health/ready</c> answers 200; throws with the silo's output when it does not in time.</summary>
    public static async Task ReadyAsync(SiloProcess silo, TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = exception.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"/health/ready of the silo did not answer 200 within {limit} (last: {last}):\n{silo.Output}");
    }
}
