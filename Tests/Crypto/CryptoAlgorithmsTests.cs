using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Crypto;

namespace Cucos.Tests.Crypto;

/// <summary>The crypto_algorithms worker on generated sources in several languages, near-misses and binaries.</summary>
[Trait("Category", "Unit")]
public sealed class CryptoAlgorithmsTests : IDisposable
{
    private static readonly CryptoScanner Scanner = new(CryptoPatterns.Instance);
    private readonly TempDirectory work = new("cucos-crypto");

    public void Dispose() => work.Dispose();

    private static FileCrypto Scan(string source) => Scanner.ScanText("file", new StringReader(source), CancellationToken.None);

    private static string[] Algorithms(FileCrypto result) => result.Counts.Keys.Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string, string, string[]> Sources() => new()
    {
        {
            "python", """
            import hashlib
            from Crypto.Cipher import AES
            from cryptography.hazmat.primitives.asymmetric import rsa, ec
            digest = hashlib.sha256(data).hexdigest()
            legacy = hashlib.md5(data).hexdigest()
            cipher = AES.new(key, AES.MODE_ECB)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            """,
            ["AES", "ECB mode", "MD5", "PyCryptodome", "Python cryptography", "Python hashlib", "RSA", "SHA-2"]
        },
        {
            "javascript", """
            const crypto = require('crypto');
            const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
            const mac = crypto.createHmac('sha1', secret).update(body).digest('hex');
            const stretched = crypto.pbkdf2Sync(password, salt, 100000, 64, 'sha512');
            """,
            ["AES", "GCM mode", "HMAC", "Node.js crypto", "PBKDF2", "SHA-1", "SHA-2"]
        },
        {
            "java", """
            import javax.crypto.Cipher;
            import java.security.MessageDigest;
            Cipher des = Cipher.getInstance("DESede/CBC/PKCS5Padding");
            Cipher rc4 = Cipher.getInstance("RC4");
            MessageDigest sha = MessageDigest.getInstance("SHA-1");
            Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
            """,
            ["3DES", "BouncyCastle", "CBC mode", "Java JCE", "RC4", "SHA-1"]
        },
        {
            "csharp", """
            using System.Security.Cryptography;
            using var aes = Aes.Create();
            var hash = SHA256.HashData(bytes);
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var derived = Rfc2898DeriveBytes.Pbkdf2(password, salt, 600000, HashAlgorithmName.SHA512, 32);
            """,
            ["AES", "ECDSA", "Elliptic curves (NIST, secp, Brainpool)", "PBKDF2", "SHA-2", "System.Security.Cryptography"]
        },
        {
            "go", """
            import (
                "crypto/ed25519"
                "crypto/sha256"
                "crypto/tls"
                "golang.org/x/crypto/chacha20poly1305"
            )
            cfg := &tls.Config{MinVersion: tls.VersionTLS13}
            """,
            ["ChaCha20", "Ed25519/X25519", "Go crypto", "Poly1305", "SHA-2", "TLS 1.2/1.3", "TLS/SSL"]
        },
        {
            "c", """
            #include <openssl/evp.h>
            #include <sodium.h>
            EVP_EncryptInit_ex(ctx, EVP_des_ecb(), NULL, key, NULL);
            crypto_secretbox_easy(c, m, mlen, nonce, k);
            SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
            """,
            ["DES", "ECB mode", "NaCl API", "OpenSSL", "TLS 1.0/1.1", "libsodium"]
        },
        {
            "rust", """
            use sha2::{Digest, Sha256};
            use ring::aead::CHACHA20_POLY1305;
            let hash = argon2::Argon2::default();
            """,
            ["Argon2", "ChaCha20", "Poly1305", "Rust crypto crates", "SHA-2"]
        },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Each_language_s_algorithms_and_libraries_are_found(string language, string source, string[] expected)
    {
        Assert.True(Algorithms(Scan(source)).SequenceEqual(expected),
            $"{language}: found [{string.Join(", ", Algorithms(Scan(source)))}], expected [{string.Join(", ", expected)}]");
    }

    [Theory]
    [InlineData("const desc = item.description; // a short desc")]
    [InlineData("color = 'a darker shade of grey'  # shade, shadow, shader")]
    [InlineData("SELECT name FROM users ORDER BY created DESC;")]
    [InlineData("and vice versa: nodes, modes, codes, episodes")]
    [InlineData("an aesthetic choice; Caesar salad; phrases")]
    [InlineData("shake the tree; the shakes; milkshake")]
    [InlineData("Open the project in IntelliJ IDEA; good ideas")]
    [InlineData("la liste des fichiers, des dossiers")]
    [InlineData("var ctr = 0; ctr++; const mode = 'dark';")]
    [InlineData("the password is hashed elsewhere; Rsam, dsample, cmacro")]
    public void Near_misses_match_nothing(string line)
    {
        var result = Scan(line);
        Assert.True(result.Counts.Count == 0, $"'{line}' matched {string.Join(", ", result.Matches.Select(m => $"{m.Algorithm}='{m.Text}'"))}");
    }

    [Fact]
    public void A_match_reports_its_line_type_and_text()
    {
        var result = Scan("// header\n\nconst h = crypto.createHash('md5');\n");

        var md5 = Assert.Single(result.Matches, m => m.Algorithm == "MD5");
        Assert.Equal(3, md5.Line);
        Assert.Equal(CryptoMatchType.Content, md5.MatchType);
        Assert.Equal("md5", md5.Text);
        Assert.Equal("hash", md5.Category);
    }

    [Fact]
    public void Constants_written_in_source_are_constant_matches()
    {
        var result = Scan("static const uint32_t H0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372 };\nstatic const uint8_t sbox[] = { 0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b };\n");

        Assert.Contains(result.Matches, m => m is { Algorithm: "SHA-2", MatchType: CryptoMatchType.Constant, Line: 1 });
        Assert.Contains(result.Matches, m => m is { Algorithm: "AES", MatchType: CryptoMatchType.Constant, Line: 2 });
    }

    [Fact]
    public async Task A_package_with_sources_and_a_binary_gives_a_valid_document_with_weak_algorithms_flagged()
    {
        work.WriteFile("pkg/src/legacy.py", Encoding.UTF8.GetBytes("import hashlib\nh = hashlib.md5(x)\n"));
        work.WriteFile("pkg/src/aes.c", Encoding.UTF8.GetBytes("/* a block cipher */\nint rounds = 10;\n"));
        // A binary: NUL bytes, the AES S-box straddling the scanner's 1 MiB chunk boundary, SHA-256's initial values as little-endian words.
        var binary = new byte[(1 << 20) + 4096];
        var sbox = Convert.FromHexString("637c777bf26b6fc53001672bfed7ab76");
        var sboxAt = (1 << 20) - 7;
        sbox.CopyTo(binary, sboxAt);
        var ivAt = 5000;
        foreach (var (word, i) in new uint[] { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a }.Select((w, i) => (w, i)))
            BinaryPrimitives.WriteUInt32LittleEndian(binary.AsSpan(ivAt + 4 * i), word);
        work.WriteFile("pkg/lib/native.so", binary);

        var document = await WorkerRun.DocumentAsync(new CryptoAlgorithmsTask(), work.Combine("pkg"));

        ResultSchemas.AssertValid("crypto_algorithms", document);
        var summary = document.GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("files").GetInt32());
        Assert.Equal(["MD5"], summary.GetProperty("weak").EnumerateArray().Select(w => w.GetString()!));
        var matches = document.GetProperty("details").GetProperty("matches").EnumerateArray().ToArray();
        Assert.Contains(matches, m => Is(m, "AES", "filename", "src/aes.c"));
        Assert.Contains(matches, m => Is(m, "AES", "constant", "lib/native.so") && m.GetProperty("offset").GetInt64() == sboxAt);
        Assert.Contains(matches, m => Is(m, "SHA-2", "constant", "lib/native.so") && m.GetProperty("offset").GetInt64() == ivAt
            && m.GetProperty("text").GetString()!.Contains("little-endian", StringComparison.Ordinal));
        Assert.Contains(matches, m => Is(m, "MD5", "content", "src/legacy.py") && m.GetProperty("line").GetInt32() == 2);
        Assert.Equal(1, document.GetProperty("details").GetProperty("binary_files").GetInt32());
    }

    private static bool Is(JsonElement match, string algorithm, string type, string path) =>
        match.GetProperty("algorithm").GetString() == algorithm && match.GetProperty("match_type").GetString() == type
        && match.GetProperty("path").GetString() == path;
}
