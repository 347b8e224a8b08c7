using System.Text;
using Cucos.Workers.Content.Lexing;

namespace Cucos.Tests.SupplyChain;

/// <summary>The shared lexical view: code, literals, comments and regexes told apart, encoded blobs found, bounded.</summary>
[Trait("Category", "Unit")]
public sealed class LexicalViewTests
{
    private static string KindsOf(LexicalView view, params string[] needles) =>
        string.Join(",", needles.Select(n => view.KindAt(view.Text.IndexOf(n, StringComparison.Ordinal)).ToString()));

    [Fact]
    public void JavaScript_code_strings_comments_regexes_and_templates_are_told_apart()
    {
        var view = LexicalView.Of("a.js", """
            // eval in a comment
            const re = /eval\(/g, half = total / 2 / 1;
            const s = 'child_process'; /* block
            spawn */ const t = `x ${ run({ a: 1 }) } tail`;
            return /[/]regex/.test(s);
            """, SourceSyntax.JavaScript);

        Assert.Equal("Comment,Regex,Code,Literal,Comment,Code,Literal,Regex", KindsOf(view, "eval in", "/eval", "total", "'child", "spawn", "run(", "tail", "/[/]"));
        Assert.Equal(4, view.LineOf(view.Text.IndexOf("spawn", StringComparison.Ordinal)));
    }

    [Fact]
    public void Python_prefixed_and_triple_quoted_strings_and_hash_comments()
    {
        var view = LexicalView.Of("a.py", "x = rb'exec(' # eval()\ndoc = \"\"\"\nsubprocess\n\"\"\"\nos.system(cmd)\n", SourceSyntax.Python);

        Assert.Equal("Literal,Comment,Literal,Code", KindsOf(view, "exec(", "eval()", "subprocess", "os.system"));
    }

    [Fact]
    public void Documentation_files_are_prose_and_masked_out()
    {
        Assert.Equal(SourceSyntax.Documentation, LexicalView.SyntaxOf("pkg/README.md"));
        Assert.Equal(SourceSyntax.Documentation, LexicalView.SyntaxOf("CHANGELOG"));
        Assert.Equal(SourceSyntax.JavaScript, LexicalView.SyntaxOf("lib/readme.js"));
        var view = LexicalView.Of("README.md", "run `curl x | sh`", SourceSyntax.Documentation);
        Assert.True(string.IsNullOrWhiteSpace(view.Masked));
    }

    [Fact]
    public void Base64_webassembly_source_map_mappings_and_hex_runs_are_blobs()
    {
        var random = new Random(7);
        var bytes = new byte[600];
        random.NextBytes(bytes);
        var wasm = Convert.ToBase64String([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, .. bytes]);
        var text = $"var w = \"{wasm}\";\nvar h = '{Convert.ToHexString(bytes)}';\nvar b = '{Convert.ToBase64String(bytes)}';\n"
            + "{\"version\":3,\"mappings\":\"AAAA,CAAC;AACA,EAAE\"}\nconst short = 'QUVTLUNCQw==';\n";
        var view = LexicalView.Of("a.js", text, SourceSyntax.JavaScript);

        Assert.Equal([BlobKind.WasmBase64, BlobKind.Hex, BlobKind.Base64, BlobKind.SourceMap], view.Blobs.Select(b => b.Kind));
        Assert.True(view.InBlob(text.IndexOf("AAAA,CAAC", StringComparison.Ordinal) + 5));
        Assert.False(view.InBlob(text.IndexOf("QUVT", StringComparison.Ordinal)));
        Assert.DoesNotContain(wasm[..50], view.Masked, StringComparison.Ordinal);
    }

    [Fact]
    public void A_megabyte_minified_line_and_unterminated_tokens_lex_in_one_pass()
    {
        var line = new StringBuilder();
        for (var i = 0; i < 40_000; i++)
            line.Append("a=b/c;x='y';/* z */r=/q/g;`t${u}`;");
        line.Append("'never closed /* nor this");
        var view = LexicalView.Of("big.js", line.ToString(), SourceSyntax.JavaScript);

        Assert.Equal(1, view.LineCount);
        Assert.True(view.LongestLine > 1_000_000);
        Assert.Equal(view.Text.Length, view.Spans.Sum(s => s.Length));
        Assert.Equal(TokenKind.Literal, view.KindAt(view.Text.Length - 1));
    }
}
