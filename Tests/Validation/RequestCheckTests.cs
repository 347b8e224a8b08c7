using Cucos.Grains.Packages;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Validation;

/// <summary>
/// The one check of a request's fields (<see cref="RequestChecks"/>), as the cluster's validator, the clients and the
/// API use it: characters that forge log lines, nulls and oversized lists; and the package keys those fields make.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RequestCheckTests
{
    private static readonly AnalysisRequestValidator Validator = new(
        new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider().GetRequiredService<TaskRegistry>(),
        BuiltInTasks.EcosystemsOf(null));

    private static AnalysisRequest Package(string name = "left-pad", string version = "1.3.0") => AnalysisRequest.ForPackage("npm", name, version);

    /// <summary>Each class of character that can end, hide or reorder a line where the text is shown.</summary>
    public static TheoryData<string> ForgingCharacters => new()
    {
        "\r", "\n", "\0", "\u001b", "\u007f", "\u0085", // Cc: CR, LF, NUL, ESC, DEL, NEL
        "\u202e", "\u2066", "\u200b", "\ufeff",        // Cf: a bidi override, an isolate, zero-width space, BOM
        "\u2028", "\u2029",                            // the line and paragraph separators
    };

    [Theory]
    [MemberData(nameof(ForgingCharacters))]
    public void A_forging_character_is_refused_in_every_field_a_request_names(string character)
    {
        var forged = $"left-pad{character}2026-12-02 INFO admin logged in";

        Assert.Equal([RequestFields.Name], Validator.Validate(Package(name: forged)).Select(p => p.Field));
        Assert.Equal([RequestFields.Version], Validator.Validate(Package(version: "1.0" + character)).Select(p => p.Field));
        Assert.Equal([RequestFields.Tasks], Validator.Validate(Package() with { Tasks = ["digests" + character] }).Select(p => p.Field));
        Assert.Equal([RequestFields.Parameters], Validator.Validate(Package() with { Parameters = new() { ["note"] = forged } }).Select(p => p.Field));
        Assert.Equal([RequestFields.Parameters], Validator.Validate(Package() with { Parameters = new() { ["no" + character + "te"] = "x" } }).Select(p => p.Field));
        // The list query of the API and of the clients goes through the same check.
        Assert.Equal([RequestFields.Name], RequestChecks.OfPackage("npm", forged, "1.0", "npm").Select(p => p.Field));
        // The refusal does not echo what would forge the line.
        Assert.All(Validator.Validate(Package(name: forged, version: "1" + character)), p => Assert.DoesNotContain(character, p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Names_with_the_characters_real_packages_use_pass()
    {
        Assert.Empty(Validator.Validate(AnalysisRequest.ForPackage("maven", "org.example:library", "1.0-SNAPSHOT")));
        Assert.Empty(Validator.Validate(AnalysisRequest.ForPackage("npm", "@types/node", "20.1.0+build.5")));
        Assert.Empty(Validator.Validate(AnalysisRequest.ForPackage("pypi", "zope.interface", "1!2.0.post1")));
    }

    [Fact]
    public void Nulls_and_oversized_lists_are_problems_of_their_field_not_crashes()
    {
        var nullTask = Validator.Validate(Package() with { Tasks = [null!] });
        Assert.Equal("'tasks' entry 0 is null: give each task by its name, such as \"digests\".", Assert.Single(nullTask).Message);
        Assert.Equal([RequestFields.Tasks], Validator.Validate(Package() with { Tasks = ["digests", " "] }).Select(p => p.Field));
        Assert.Contains("at most 64 can be named", Assert.Single(Validator.Validate(Package() with { Tasks = [.. Enumerable.Repeat("digests", 65)] })).Message);
        Assert.Equal("parameter 'depth' is null: give its value as a string, such as \"2\".",
            Assert.Single(Validator.Validate(Package() with { Parameters = new() { ["depth"] = null! } })).Message);
        Assert.Contains("at most 64 are taken", Assert.Single(Validator.Validate(Package() with
        {
            Parameters = Enumerable.Range(0, 65).ToDictionary(i => $"p{i}", i => "v"),
        })).Message);
        Assert.Contains("more than 4096 characters", Assert.Single(Validator.Validate(Package() with { Parameters = new() { ["p"] = new string('x', 4097) } })).Message);
    }

    [Fact]
    public void A_maven_group_artifact_split_differently_is_another_package_key()
    {
        Assert.NotEqual(GrainKeys.Package("maven", "org.x", "lib:1.0"), GrainKeys.Package("maven", "org.x:lib", "1.0"));
        Assert.NotEqual(GrainKeys.Package("maven", "a%3Ab", "1"), GrainKeys.Package("maven", "a:b", "1"));
        // Keys without ':' or '%' in a part read as before, so their stored rows need no migration.
        Assert.Equal("npm:left-pad:1.3.0", GrainKeys.Package("npm", "left-pad", "1.3.0"));
        Assert.Equal("maven:org.x%3Alib:1.0", GrainKeys.Package("maven", "org.x:lib", "1.0"));
        // A version with the separator of Maven's names is refused where it would have made the old ambiguity.
        Assert.Equal("version 'lib:1.0' is malformed: a version has no spaces, slashes, colons or control characters and at most 256 characters (for example 1.7.1 or v1.2.3).",
            Assert.Single(Validator.Validate(AnalysisRequest.ForPackage("maven", "org.x", "lib:1.0"))).Message);
    }

    [Fact]
    public void Stack_traces_are_dropped_from_a_shown_analysis_and_kept_in_the_stored_one()
    {
        var error = new TaskError { Type = "System.IO.IOException", Message = "disk full", StackTrace = "at Cucos.Workers.Init.InitTask.RunAsync() in /src/Workers/Init/InitTask.cs:line 42" };
        var stored = new AnalysisSnapshot
        {
            AnalysisId = "a",
            Request = Package(),
            CachePath = "/tmp/a",
            Tasks = new() { ["init"] = new AnalysisTask { Name = "init", Error = error, PastErrors = [error, error] } },
        };

        var shown = stored.WithoutStackTraces();

        Assert.Null(shown.Tasks["init"].Error!.StackTrace);
        Assert.Equal("disk full", shown.Tasks["init"].Error!.Message);
        Assert.All(shown.Tasks["init"].PastErrors, e => Assert.Null(e.StackTrace));
        Assert.Equal(error.StackTrace, stored.Tasks["init"].Error!.StackTrace);
        Assert.All(stored.Tasks["init"].PastErrors, e => Assert.NotNull(e.StackTrace));
    }
}
