using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Sdk;

/// <summary>Loads task plug-ins: assemblies holding <see cref="BaseTask"/> classes, named by path.</summary>
public static class TaskAssemblies
{
    public static IServiceCollection AddCucosTaskAssemblies(this IServiceCollection services, IEnumerable<string> paths)
    {
        foreach (var path in paths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
                throw new InvalidOperationException($"task assembly '{path}' (Cucos:TaskAssemblies) does not exist.");
            var folder = Path.GetDirectoryName(full)!;
            // The plug-in's own dependencies are looked for beside it.
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                File.Exists(Path.Combine(folder, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(folder, name.Name + ".dll")) : null;
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
            var types = LoadableTypes(assembly);
            var modules = types.Where(t => typeof(ICucosTaskModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToArray();
            if (modules.Length > 0)
            {
                foreach (var module in modules)
                    ((ICucosTaskModule)Activator.CreateInstance(module)!).Register(services);
                continue;
            }
            foreach (var task in types.Where(t => typeof(BaseTask).IsAssignableFrom(t) && t is { IsAbstract: false, IsPublic: true }))
                services.AddSingleton(new TaskRegistration(task));
            services.AddCucosTaskRegistry();
        }
        return services;
    }

    private static Type[] LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException partial)
        {
            // Types that need assemblies the silo does not have (test frameworks, say) are not tasks; skip them.
            return [.. partial.Types.OfType<Type>()];
        }
    }
}
