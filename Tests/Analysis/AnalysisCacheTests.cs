using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Tests.Support;

namespace Cucos.Tests.Analysis;

/// <summary>The cache folder of an analysis: derived under the root whatever the request holds, and never deleted outside it.</summary>
[Trait("Category", "Unit")]
public sealed class AnalysisCacheTests
{
    [Theory]
    [InlineData("npm", "../../../etc", "1.0.0", "a1")]
    [InlineData("local", "/etc/passwd", "local", "../../..")]
    [InlineData("..", "..", "..", "..")]
    [InlineData("maven", "org.x:lib", "1.0/../../..", "/tmp")]
    public void A_path_is_always_four_folders_below_the_root(string ecosystem, string name, string version, string analysisId)
    {
        using var root = new TempDirectory("cucos-cache");
        var request = new AnalysisRequest { Ecosystem = ecosystem, Name = name, Version = version }.ToRequestView();

        var path = AnalysisCache.PathFor(root.Path, request, analysisId);

        Assert.True(AnalysisCache.IsInside(path, root.Path), path);
        Assert.Equal(root.Path, Path.GetFullPath(Path.Combine(path, "..", "..", "..", "..")));
    }

    [Fact]
    public void Delete_refuses_a_folder_outside_the_root_and_leaves_it_alone()
    {
        using var root = new TempDirectory("cucos-cache");
        using var outside = new TempDirectory("cucos-outside");
        File.WriteAllText(Path.Combine(outside.Path, "keep.txt"), "mine");

        foreach (var path in new[] { outside.Path, root.Path, Path.Combine(root.Path, "..", Path.GetFileName(outside.Path)) })
        {
            var refused = Assert.Throws<ArgumentException>(() => AnalysisCache.Delete(path, root.Path));
            Assert.Contains("is not inside the cache root", refused.Message);
        }

        Assert.True(File.Exists(Path.Combine(outside.Path, "keep.txt")));
        Assert.True(Directory.Exists(root.Path));
    }

    [Fact]
    public void Delete_removes_the_folder_and_the_empty_ones_above_it_up_to_the_root()
    {
        using var root = new TempDirectory("cucos-cache");
        var request = new AnalysisRequest { Ecosystem = "npm", Name = "left-pad", Version = "1.0.0" }.ToRequestView();
        var path = AnalysisCache.PathFor(root.Path, request, "a1");
        Directory.CreateDirectory(Path.Combine(path, "package"));

        AnalysisCache.Delete(path, root.Path);

        Assert.False(Directory.Exists(Path.Combine(root.Path, "npm")));
        Assert.True(Directory.Exists(root.Path));
    }
}
