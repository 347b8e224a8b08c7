using System.Text;
using Cucos.Tests.Support;
using Cucos.Workers.Content;
using Cucos.Workers.Content.Lexing;
using Cucos.Workers.Crypto;

namespace Cucos.Tests.Crypto;

/// <summary>
/// crypto_algorithms on the lexical view: the false positives measured on real packages (encoded blobs, key file
/// names, copyright lines, EdDSA, the shared Salsa20/ChaCha constant, changelogs, NaCl), each match's kind, and the
/// modes and primitives added (CFB, OFB, Rabbit, OAEP, PSS, PKCS#7, PKCS#12) in the forms real code writes them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CryptoPrecisionTests : IDisposable
{
    private static readonly CryptoScanner Scanner = new(CryptoPatterns.Instance);
    private readonly TempDirectory work = new("cucos-crypto-precision");

    public void Dispose() => work.Dispose();

    private static FileCrypto Scan(string path, string text) => Scanner.ScanText(path, text, CancellationToken.None);

    private static string Found(FileCrypto result) => string.Join(", ", result.Matches.Select(m => $"{m.Algorithm}:{m.Kind}='{m.Text}'"));

    // Base64 letters with AES and CBC in them at word-like boundaries, as real WebAssembly modules have.
    private static string Base64Run(int repeats) => "AGFzbQEAAAAB" + string.Concat(Enumerable.Repeat("Qx7AES+kCBC/9sAes8iK", repeats));

    [Fact]
    public void AES_and_CBC_inside_base64_WebAssembly_are_not_matches()
    {
        var source = $"const wasm = \"data:application/wasm;base64,{Base64Run(30)}\";\nmodule.exports = load(wasm);\n";

        var result = Scan("dist/index.js", source);

        Assert.True(result.Counts.Count == 0, Found(result));
    }

    [Fact]
    public void AES_and_CBC_inside_a_source_map_s_mappings_are_not_matches()
    {
        var mappings = string.Join(";", Enumerable.Repeat("AAAA,CAAC,AES,CBC,GAAG", 40));
        var map = $"{{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"{mappings}\"}}";

        var result = Scan("dist/index.js.map", map);

        Assert.True(result.Counts.Count == 0, Found(result));
    }

    [Fact]
    public void A_long_base64_line_in_code_is_not_searched_but_code_after_it_is()
    {
        var source = $"var blob = '{Base64Run(400)}';\nconst c = crypto.createCipheriv('aes-256-cbc', key, iv);\n";

        var result = Scan("lib/blob.js", source);

        Assert.True(result.Matches.All(m => m.Line == 2), Found(result));
        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", Line: 2 });
        Assert.Contains(result.Matches, m => m is { Algorithm: "CBC mode", Line: 2 });
    }

    [Fact]
    public void The_file_name_id_rsa_is_a_private_key_not_RSA()
    {
        var result = Scan("keys/id_rsa", "not a key, a fixture\n");

        Assert.Contains(result.Matches, m => m is { Algorithm: "Private key", MatchType: CryptoMatchType.Filename });
        Assert.DoesNotContain(result.Matches, m => m.Algorithm == "RSA");
    }

    [Fact]
    public void A_path_to_id_rsa_in_code_is_not_RSA()
    {
        var result = Scan("steal.js", "const key = fs.readFileSync(path.join(os.homedir(), '.ssh/id_rsa'));\nconst other = '~/.ssh/id_ecdsa';\n");

        Assert.True(result.Counts.Count == 0, Found(result));
    }

    [Fact]
    public void RSA_Data_Security_Inc_is_not_RSA()
    {
        var result = Scan("md5.c", "/* Copyright (C) 1991-2, RSA Data Security, Inc. Created 1991. All rights reserved. */\nint x;\n");

        Assert.DoesNotContain(result.Matches, m => m.Algorithm == "RSA");
    }

    [Fact]
    public void EdDSA25519_is_Ed25519_not_DSA()
    {
        var result = Scan("sign.js", "const signer = new EdDSA25519(privateKey);\nconst alg = 'EdDSA';\n");

        Assert.DoesNotContain(result.Matches, m => m.Algorithm == "DSA");
        Assert.Equal(2, result.Counts.GetValueOrDefault("Ed25519/X25519"));
    }

    [Fact]
    public void The_expand_32_byte_k_constant_is_the_Salsa20_ChaCha_family_not_ChaCha20()
    {
        var result = Scan("salsa.c", "static const char sigma[16] = \"expand 32-byte k\";\nstatic const char tau[16] = \"expand 16-byte k\";\n");

        Assert.DoesNotContain(result.Matches, m => m.Algorithm == "ChaCha20");
        Assert.Equal(2, result.Counts.GetValueOrDefault("Salsa20/ChaCha family"));
        Assert.All(result.Matches, m => Assert.Equal(CryptoMatchKind.Constant, m.Kind));
    }

    [Fact]
    public void Changelog_lines_are_mentions_not_uses()
    {
        var result = Scan("CHANGELOG.md", "# 2.0.0\n- Added AES-GCM support\n- Dropped MD5 and SHA-1 fallbacks\n");

        Assert.NotEmpty(result.Matches);
        Assert.All(result.Matches, m => Assert.Equal(CryptoMatchKind.Mention, m.Kind));
        Assert.Empty(result.Uses);
    }

    [Fact]
    public void ML_DSA_and_SLH_DSA_are_post_quantum_not_DSA()
    {
        // As generated protobuf code names them (sigstore's key details): measured as wrong DSA matches on real trees.
        var source = "case PublicKeyDetails.ML_DSA_65:\nconst k = 'ML-DSA-87';\nconst s = \"SLH_DSA_SHA2_128S\";\nconst e = 'ml_kem_768';\n";

        var result = Scan("dist/sigstore_common.js", source);

        Assert.False(result.Counts.ContainsKey("DSA"), Found(result));
        Assert.Equal(4, result.Counts.GetValueOrDefault("ML-KEM / ML-DSA (post-quantum)"));
    }

    [Fact]
    public void A_text_file_is_searched_to_its_first_8_MB_only()
    {
        // Pins the documented limit (docs/crypto-algorithms.md, Limits): a call before 8 MB is found, one after it is not.
        var filler = string.Concat(Enumerable.Repeat("x = y + z;\n", 800_000));
        var text = "const h = crypto.createHash('sha256');\n" + filler + "const c = crypto.createCipheriv('aes-256-cbc', k, iv);\n";
        Assert.True(Encoding.UTF8.GetByteCount(text) > LexicalView.DefaultMaxBytes + 100_000);
        var full = work.WriteFile("big/app.js", Encoding.UTF8.GetBytes(text));

        var result = Scanner.Scan(new PackageFile(full, "app.js", new FileInfo(full).Length), CancellationToken.None);

        Assert.Contains(result.Matches, m => m is { Algorithm: "SHA-2", Line: 1 });
        Assert.False(result.Counts.ContainsKey("AES"), Found(result));
        Assert.False(result.Counts.ContainsKey("CBC mode"), Found(result));
    }

    [Fact]
    public void NaCl_functions_are_the_NaCl_API_not_libsodium()
    {
        var result = Scan("box.c", "crypto_box_keypair(pk, sk);\ncrypto_secretbox_easy(c, m, mlen, nonce, k);\n");

        Assert.Equal(2, result.Counts.GetValueOrDefault("NaCl API"));
        Assert.DoesNotContain(result.Matches, m => m.Algorithm == "libsodium");
    }

    [Fact]
    public void Each_match_gets_its_kind_from_where_it_is()
    {
        var source = """
            // AES in a comment is a mention
            const crypto = require('crypto');
            const c = crypto.createCipheriv('aes-256-gcm', key, iv);
            function aesKeyExpansion(key) { return key; }
            """;

        var result = Scan("lib/cipher.js", source);

        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", Line: 1, Kind: CryptoMatchKind.Mention });
        Assert.Contains(result.Matches, m => m is { Algorithm: "Node.js crypto", Line: 2, Kind: CryptoMatchKind.ApiUse });
        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", Line: 3, Kind: CryptoMatchKind.ApiUse });
        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", Line: 4, Kind: CryptoMatchKind.Implementation });
    }

    [Fact]
    public void Code_in_a_file_that_holds_the_algorithm_s_constants_is_its_implementation()
    {
        var source = "static const uint8_t sbox[256] = { 0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b };\nvoid encrypt(AES_ctx* ctx) { }\n";

        var result = Scan("src/block.c", source);

        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", Line: 1, Kind: CryptoMatchKind.Constant });
        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", Line: 2, Kind: CryptoMatchKind.Implementation });
    }

    public static TheoryData<string, string, string> NewPrimitives() => new()
    {
        { "cfb.js", "const c = crypto.createCipheriv('aes-256-cfb', key, iv);", "CFB mode" },
        { "cfb8.py", "cipher = Cipher(algorithms.AES(key), modes.CFB8(iv))", "CFB mode" },
        { "ofb.js", "const c = crypto.createCipheriv('aes-128-ofb', key, iv);", "OFB mode" },
        { "ofb.py", "cipher = AES.new(key, AES.MODE_OFB, iv=iv)", "OFB mode" },
        { "rabbit.js", "const encrypted = CryptoJS.Rabbit.encrypt(message, passphrase);", "Rabbit" },
        { "rabbit2.js", "const Rabbit = require('crypto-js/rabbit');", "Rabbit" },
        { "oaep.py", "ciphertext = public_key.encrypt(message, padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None))", "OAEP" },
        { "oaep.js", "crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING }, data);", "OAEP" },
        { "pss.py", "signature = private_key.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())", "PSS" },
        { "pss.cs", "var signature = rsa.SignData(data, HashAlgorithmName.SHA256, RsaSignaturePadding.Pss);", "PSS" },
        { "pkcs7.py", "padder = padding.PKCS7(128).padder()", "PKCS#7" },
        { "pkcs7.cs", "aes.Padding = PaddingMode.PKCS7;", "PKCS#7" },
        { "pkcs12.py", "from cryptography.hazmat.primitives.serialization import pkcs12", "PKCS#12" },
        { "pkcs12.java", "KeyStore store = KeyStore.getInstance(\"PKCS12\");", "PKCS#12" },
    };

    [Theory]
    [MemberData(nameof(NewPrimitives))]
    public void The_added_modes_and_primitives_are_found_in_real_code(string path, string line, string algorithm)
    {
        var result = Scan(path, line + "\n");

        Assert.True(result.Counts.ContainsKey(algorithm), $"{path}: expected {algorithm}, found {Found(result)}");
        Assert.All(result.Matches.Where(m => m.Algorithm == algorithm), m => Assert.NotEqual(CryptoMatchKind.Mention, m.Kind));
    }

    [Theory]
    [InlineData("rabbitmq.js", "const amqp = require('amqplib'); // connect to RabbitMQ; the rabbit hole")]
    [InlineData("notes.py", "offbeat = 'cfbundle'; pssst = 1")]
    public void Words_like_the_new_names_match_nothing(string path, string line)
    {
        var result = Scan(path, line + "\n");

        Assert.True(result.Counts.Keys.All(k => k is not ("Rabbit" or "CFB mode" or "OFB mode" or "PSS")), Found(result));
    }

    [Fact]
    public async Task A_package_whose_only_crypto_is_in_its_changelog_uses_none_and_lists_the_mentions()
    {
        work.WriteFile("pkg/CHANGELOG.md", Encoding.UTF8.GetBytes("## 1.2.0\n- Use SHA-256 instead of MD5 for cache keys\n"));
        work.WriteFile("pkg/index.js", Encoding.UTF8.GetBytes("module.exports = (a, b) => a + b;\n"));

        var document = await WorkerRun.DocumentAsync(new CryptoAlgorithmsTask(), work.Combine("pkg"));

        ResultSchemas.AssertValid("crypto_algorithms", document);
        var summary = document.GetProperty("summary");
        Assert.Empty(summary.GetProperty("algorithms").EnumerateObject());
        Assert.Empty(summary.GetProperty("weak").EnumerateArray());
        Assert.Equal(0, summary.GetProperty("uses").GetInt32());
        Assert.Equal(0, summary.GetProperty("files_with_crypto").GetInt32());
        Assert.Equal(1, summary.GetProperty("mentions").GetProperty("MD5").GetInt32());
        Assert.Equal(1, summary.GetProperty("mentions").GetProperty("SHA-2").GetInt32());
        Assert.Empty(document.GetProperty("details").GetProperty("algorithms").EnumerateArray());
        Assert.All(document.GetProperty("details").GetProperty("matches").EnumerateArray(),
            m => Assert.Equal("mention", m.GetProperty("kind").GetString()));
    }

    [Fact]
    public void A_minified_line_longer_than_the_window_limit_gives_the_matches_of_the_same_code_on_separate_lines()
    {
        // Crypto calls at the start, in the middle (two close enough for their windows to overlap) and at the very end
        // of one line of tens of kilobytes, between statements with no anchor word in them.
        string[] calls =
        [
            "h=crypto.createHash('sha256')",
            "c=crypto.createCipheriv('aes-256-cbc',k,iv)",
            "d=crypto.createDecipheriv('aes-128-gcm',k,iv);e=crypto.createHmac('sha1',k)",
            "f=crypto.createCipheriv('aes-192-ofb',k,iv)",
        ];
        var filler = string.Concat(Enumerable.Repeat("a=b+c;x=y*z;", 800));
        var statements = new[] { calls[0], filler, calls[1], filler, calls[2], filler, calls[3] };
        var minified = string.Join(";", statements) + "\n";
        var separate = string.Join(";\n", statements) + "\n";
        Assert.True(minified.Length > 20_000);

        var longLine = Scan("lib/app.js", minified);
        var shortLines = Scan("lib/app.js", separate);

        static string[] Seen(FileCrypto result) =>
            [.. result.Matches.Select(m => $"{m.Algorithm}:{m.Kind}='{m.Text}'").Order(StringComparer.Ordinal)];
        Assert.NotEmpty(Seen(shortLines));
        Assert.Equal(Seen(shortLines), Seen(longLine));
        Assert.Contains(longLine.Matches, m => m.Algorithm == "OFB mode");
    }
}
