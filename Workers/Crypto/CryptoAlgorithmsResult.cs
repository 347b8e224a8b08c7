using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Crypto;

[TaskResultPart("crypto_algorithms", ResultPart.Summary)]
public sealed record CryptoAlgorithmsSummary(
    [property: Description("files in the package")] int Files,
    [property: Description("files with at least one use (a match that is not a mention)")] int FilesWithCrypto,
    [property: Description("every match, mentions and those left out of details.matches included")] int Matches,
    [property: Description("algorithm or library name -> uses (implementation, api_use and constant matches; mentions are in 'mentions')")] IReadOnlyDictionary<string, int> Algorithms,
    [property: Description("the weak or deprecated algorithms used (not only mentioned)")] IReadOnlyList<string> Weak,
    [property: Description("files that could not be read (see details.errors)")] int Errors,
    [property: Description("matches that are uses: implementation, api_use and constant")] int Uses,
    [property: Description("algorithm or library name -> mentions (comments, documentation such as README and changelogs, JSON data)")] IReadOnlyDictionary<string, int> Mentions);

[TaskResultPart("crypto_algorithms", ResultPart.Details)]
[Description("Cryptographic algorithms, protocols and libraries a package uses, found by content (on the lexical view: encoded blobs skipped, comments and documentation are mentions), file name and known constants; weak or deprecated ones flagged. Patterns: Workers/Crypto/Data/crypto-patterns.json.")]
public sealed record CryptoAlgorithmsDetails(
    [property: Description("the algorithms used (at least one match that is not a mention), with their matches by kind")] IReadOnlyList<AlgorithmUse> Algorithms,
    IReadOnlyDictionary<string, string[]> Categories,
    [property: Description("at most 200 per file, in file order")] IReadOnlyList<CryptoMatch> Matches,
    int MatchesOmitted,
    int BinaryFiles,
    IReadOnlyList<FileError> Errors);
