using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Sdk;

/// <summary>
/// Registers the tasks of a plug-in assembly (loaded by the silo from <c>Cucos:TaskAssemblies</c>).
/// An assembly without a module has each of its public concrete tasks registered under its own name.
/// </summary>
public interface ICucosTaskModule
{
    void Register(IServiceCollection services);
}
