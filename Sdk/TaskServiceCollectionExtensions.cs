using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cucos.Sdk;

public static class TaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers a task. Its constructor may take any registered service; a fresh instance runs every attempt.
    /// Give <paramref name="name"/> to register one task type under several names.
    /// </summary>
    public static IServiceCollection AddCucosTask<TTask>(this IServiceCollection services, string? name = null)
        where TTask : BaseTask
    {
        services.AddSingleton(new TaskRegistration(typeof(TTask), name));
        return services.AddCucosTaskRegistry();
    }

    public static IServiceCollection AddCucosTaskRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton<TaskRegistry>();
        return services;
    }
}
