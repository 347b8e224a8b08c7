namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>
/// The scores of one CVSS vector. <see cref="BaseScore"/> and <see cref="Rating"/> use the base metrics alone
/// (v4.0: CVSS-B), the figure advisories publish; <see cref="Score"/> uses every metric the vector carries and
/// <see cref="ScoreKind"/> names it: "base", "temporal" or "environmental" for v3.x, "CVSS-B", "CVSS-BT",
/// "CVSS-BE" or "CVSS-BTE" for v4.0.
/// </summary>
/// <param name="Version">"3.0", "3.1" or "4.0".</param>
/// <param name="Vector">The vector in the specification's metric order, without Not Defined (X) metrics.</param>
/// <param name="BaseScore">0.0 to 10.0, one decimal.</param>
/// <param name="Rating">The qualitative rating of the base score as OSV and CycloneDX spell it: none, low, medium, high, critical.</param>
public sealed record CvssScore(string Version, string Vector, double BaseScore, string Rating, double Score, string ScoreKind, string ScoreRating);
