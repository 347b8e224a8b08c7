using Cucos.Workers.Metadata;

namespace Cucos.Tests.Metadata;

/// <summary>Repository URLs and licences as manifests write them, against what they mean.</summary>
[Trait("Category", "Unit")]
public sealed class NormalisationTests
{
    [Theory]
    // npm's documented shorthands for "repository".
    [InlineData("npm/npm", null, "git", "https://github.com/npm/npm")]
    [InlineData("github:user/repo", null, "git", "https://github.com/user/repo")]
    [InlineData("gitlab:user/repo", null, "git", "https://gitlab.com/user/repo")]
    [InlineData("bitbucket:user/repo", null, "git", "https://bitbucket.org/user/repo")]
    [InlineData("gist:11081aaa281", null, "git", "https://gist.github.com/11081aaa281")]
    // URL forms npm and others accept.
    [InlineData("git+https://github.com/user/repo.git", "git", "git", "https://github.com/user/repo")]
    [InlineData("git+ssh://git@github.com/user/repo.git", null, "git", "https://github.com/user/repo")]
    [InlineData("git://github.com/user/repo.git", null, "git", "https://github.com/user/repo")]
    [InlineData("git@github.com:user/repo.git", null, "git", "https://github.com/user/repo")]
    [InlineData("http://github.com/User/Repo/", null, "git", "https://github.com/User/Repo")]
    [InlineData("https://github.com/user/repo/tree/main/packages/x", null, "git", "https://github.com/user/repo")]
    [InlineData("https://gitlab.com/group/sub/repo/-/tree/main", null, "git", "https://gitlab.com/group/sub/repo")]
    // Maven SCM connections name their type.
    [InlineData("scm:git:git@github.com:apache/maven.git", null, "git", "https://github.com/apache/maven")]
    [InlineData("scm:svn:http://svn.example.org/repos/proj/trunk", null, "svn", "http://svn.example.org/repos/proj/trunk")]
    [InlineData("https://hg.example.org/proj", "hg", "hg", "https://hg.example.org/proj")]
    public void Repository_urls_are_normalised(string raw, string? type, string expectedType, string expectedUrl)
    {
        var repository = RepositoryUrls.Normalize(raw, type);
        Assert.NotNull(repository);
        Assert.Equal(expectedType, repository.Type);
        Assert.Equal(expectedUrl, repository.Url);
    }

    [Theory]
    [InlineData("MIT", "MIT")]
    [InlineData("mit", "MIT")]                                    // SPDX ids are case-insensitive
    [InlineData("(MIT OR Apache-2.0)", "(MIT OR Apache-2.0)")]
    [InlineData("Apache-2.0 with llvm-exception", "Apache-2.0 WITH LLVM-exception")]
    [InlineData("GPL-2.0+", "GPL-2.0+")]                          // deprecated ids stay valid
    [InlineData("LicenseRef-Proprietary", "LicenseRef-Proprietary")]
    [InlineData("The MIT License", "MIT")]
    [InlineData("Apache License, Version 2.0", "Apache-2.0")]
    [InlineData("License :: OSI Approved :: MIT License", "MIT")]
    [InlineData("License :: OSI Approved :: Apache Software License", "Apache-2.0")]
    [InlineData("MIT/Apache-2.0", "MIT OR Apache-2.0")]           // Cargo's pre-SPDX form
    [InlineData("BSD", null)]                                     // which BSD? not guessed
    [InlineData("License :: OSI Approved :: BSD License", null)]
    [InlineData("GPL", null)]
    [InlineData("MIT AND", null)]                                 // not a complete expression
    [InlineData("MIT WITH Apache-2.0", null)]                     // WITH takes an exception, not a licence
    [InlineData("see LICENSE.txt", null)]
    public void Licences_map_to_SPDX_only_when_unambiguous(string raw, string? expected) =>
        Assert.Equal(expected, SpdxLicenses.Map(raw));
}
