namespace Cucos.Tests.Deploy;

/// <summary>The instructions of deploy/Dockerfile, read statically (there is no container engine to build it here).</summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<(string Instruction, string Arguments)> instructions) => Instructions = instructions;

    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    public static Dockerfile Load() => Parse(File.ReadAllText(Path.Combine(Manifests.DeployRoot, "Dockerfile")));

    /// <summary>Instructions with their arguments; comments dropped, lines continued with a backslash joined.</summary>
    public static Dockerfile Parse(string text)
    {
        var instructions = new List<(string, string)>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
                continue;
            current += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\'))
                continue;
            if (current.Trim() is { Length: > 0 } complete)
            {
                var space = complete.IndexOf(' ');
                instructions.Add(space < 0 ? (complete.ToUpperInvariant(), "") : (complete[..space].ToUpperInvariant(), complete[(space + 1)..].Trim()));
            }
            current = "";
        }
        return new Dockerfile(instructions);
    }

    public IEnumerable<string> All(string instruction) =>
        Instructions.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

    /// <summary>The instructions of the last stage, the image that runs.</summary>
    public IReadOnlyList<(string Instruction, string Arguments)> FinalStage =>
        Instructions.Skip(Instructions.Select((i, index) => (i, index)).Last(x => x.i.Instruction == "FROM").index).ToList();

    public ISet<int> ExposedPorts =>
        FinalStage.Where(i => i.Instruction == "EXPOSE")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => int.Parse(port.Split('/')[0]))
            .ToHashSet();
}
