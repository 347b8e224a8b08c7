using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Crypto;

[TaskResultPart("crypto_algorithms", ResultPart.Summary)]
public sealed record CryptoAlgorithmsSummary(
    [property: Description("files in the package")] int Files,
    int FilesWithCrypto,
    [property: Description("every match, including those left out of details.matches")] int Matches,
    [property: Description("algorithm or library name -> matches")] IReadOnlyDictionary<string, int> Algorithms,
    [property: Description("the weak or deprecated algorithms found")] IReadOnlyList<string> Weak,
    [property: Description("files that could not be read (see details.errors)")] int Errors);

[TaskResultPart("crypto_algorithms", ResultPart.Details)]
[Description("Cryptographic algorithms, protocols and libraries a package uses, found by content, file name and known constants; weak or deprecated ones flagged. Patterns: Workers/Crypto/Data/crypto-patterns.json.")]
public sealed record CryptoAlgorithmsDetails(
    IReadOnlyList<AlgorithmUse> Algorithms,
    IReadOnlyDictionary<string, string[]> Categories,
    [property: Description("at most 200 per file, in file order")] IReadOnlyList<CryptoMatch> Matches,
    int MatchesOmitted,
    int BinaryFiles,
    IReadOnlyList<FileError> Errors);
